"""Running the app under uvicorn, and the banner that tells a user how to point the
Smartcar SDKs at it."""

from __future__ import annotations

import uvicorn

from mockcar.app import create_app
from mockcar.domain.world import World
from mockcar.settings import Settings, sdk_environment


def banner(settings: Settings, world: World) -> str:
    base = settings.base_url
    lines = [f"mockcar serving {settings.scenario.name} on {base}", ""]
    if settings.speed != 1.0:
        lines[0] += f", the clock at {settings.speed:g}x real time"
    for app in world.applications.values():
        lines += [
            f"Application {app.name!r}",
            f"  client id:      {app.client_id}",
            f"  client secret:  {app.client_secret}",
            f"  redirect URIs:  {', '.join(app.redirect_uris)}",
            "",
        ]
    lines.append("Point the Python SDK (pip install smartcar) at mockcar before importing it:")
    lines += [f"  export {k}={v}" for k, v in sdk_environment(base).items()]
    first = next(iter(world.applications.values()), None)
    if first is not None:
        lines += [
            f"  export SMARTCAR_CLIENT_ID={first.client_id}",
            f"  export SMARTCAR_CLIENT_SECRET={first.client_secret}",
            f"  export SMARTCAR_REDIRECT_URI={first.redirect_uris[0]}",
        ]
    lines += [
        "Node SDK (npm smartcar): SMARTCAR_AUTH_ORIGIN is the origin only:",
        f"  export SMARTCAR_API_ORIGIN={base} SMARTCAR_AUTH_ORIGIN={base}",
        "",
        f"Connect: {base}/oauth/authorize?response_type=code&mode=test&client_id="
        + (first.client_id if first else "<client id>"),
    ]
    return "\n".join(lines)


def serve(settings: Settings, world: World | None = None) -> None:
    """Serve in this process. One worker only: the World lives in memory, and tokens
    issued by one process would be unknown to another."""
    app = create_app(settings, world)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_level="info",
        access_log=False,
    )
