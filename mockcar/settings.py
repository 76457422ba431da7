"""Configuration: one frozen `Settings`, built at the edge (CLI flag > MOCKCAR_* env >
default) and handed to `create_app`. Nothing reads the environment at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
# Not 8000: the apps under test conventionally use http://localhost:8000/exchange.
DEFAULT_PORT = 8765
ENV_PREFIX = "MOCKCAR_"
MAX_PORT = 65535


def bundled_scenarios() -> Path:
    """Scenario files ship inside the wheel as mockcar/scenarios; in a source checkout
    (editable install) they are the top-level scenarios/ folder."""
    package = Path(__file__).resolve().parent
    inside = package / "scenarios"
    return inside if inside.is_dir() else package.parent / "scenarios"


def default_scenario() -> Path:
    return bundled_scenarios() / "default.yaml"


def bundled_names() -> list[str]:
    """The bundled scenarios by name: their file names without `.yaml`."""
    folder = bundled_scenarios()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def scenario_file(raw: str | Path, source: str = "--scenario") -> Path:
    """A scenario by path, or a bundled one by name (`ev-fleet` or `ev-fleet.yaml`), as
    the control API and the pytest marker take them. Anything that exists, or has a
    folder in it, stays a path (the loader says what is wrong with it); a bare name
    that is neither a file here nor bundled is an error listing the bundled names."""
    path = Path(raw)
    if path.exists() or len(path.parts) != 1:
        return path
    stem = path.stem if path.suffix in (".yaml", ".yml") else path.name
    for candidate in (bundled_scenarios() / f"{stem}.yaml", bundled_scenarios() / f"{stem}.yml"):
        if candidate.is_file():
            return candidate
    raise ValueError(f"{source}: no scenario file or bundled scenario {str(raw)!r}; "
                     f"bundled: {', '.join(bundled_names()) or 'none'}")


def sdk_environment(base_url: str) -> dict[str, str]:
    """The variables the official SDKs read to find mockcar. Python reads its own at
    import time (`smartcar/config.py`); its SMARTCAR_AUTH_ORIGIN is the full token URL,
    where Node's and Ruby's take the origin and append /oauth/token, so the one name
    holds Python's value (Node and Ruby users set it to the bare origin). The v3 host
    goes by three names: Python SMARTCAR_VEHICLE_API_V3_ORIGIN, Node and Java
    SMARTCAR_API_V3_ORIGIN (node-sdk `lib/util.js`, java-sdk `Smartcar.getApiOrigin`),
    Ruby SMARTCAR_VEHICLE_API_ORIGIN."""
    return {
        "SMARTCAR_API_ORIGIN": base_url,
        "SMARTCAR_CONNECT_ORIGIN": base_url,
        "SMARTCAR_AUTH_ORIGIN": f"{base_url}/oauth/token",
        "SMARTCAR_MANAGEMENT_API_ORIGIN": base_url,
        "SMARTCAR_VEHICLE_API_V3_ORIGIN": base_url,
        "SMARTCAR_API_V3_ORIGIN": base_url,
        "SMARTCAR_VEHICLE_API_ORIGIN": base_url,
    }


@dataclass(frozen=True)
class Settings:
    scenario: Path = None  # type: ignore[assignment]  # filled in __post_init__
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # The origin clients reach mockcar at, used in printed links and absolute URLs;
    # behind docker it is the service name, not the bind address.
    public_url: str | None = None
    # Who may reach the control API, the home page and the Postman downloads besides
    # loopback, the public URL's host and the bound one (mockcar.web.guard): host names,
    # `*` for any (MOCKCAR_ALLOWED_HOSTS, comma-separated).
    allowed_hosts: tuple[str, ...] = ()
    # When set, every /_mockcar request must send `Authorization: Bearer <token>`.
    control_token: str | None = None
    # Bodies past these many bytes are refused with 413; registering an application
    # (its inline `scenario_yaml`) may send more than any other request.
    max_body_bytes: int = 4 * 2**20
    max_scenario_bytes: int = 10 * 2**20
    # authlib refuses plain http except for localhost; docker service names need this.
    insecure_transport: bool = True
    seed: int | None = None
    # World seconds per wall second (mockcar.domain.world.clock): vehicles with a timeline drive,
    # charge and sleep N times faster. Tests freeze and advance the clock instead.
    speed: float = 1.0
    # No request log on the console (`mockcar serve --quiet`, MOCKCAR_QUIET=1).
    quiet: bool = False
    # The HTTP server `mockcar serve` runs the app on (`--server`, MOCKCAR_SERVER):
    # uvicorn, or granian with the `mockcar[granian]` extra installed.
    server: str = "uvicorn"
    # Applications registered through the control API held at once
    # (MOCKCAR_MAX_APPLICATIONS); one more is refused with 429 until one is deleted.
    max_applications: int = 2000
    # The lean path for hot reads (mockcar.web.fast_reads), on unless MOCKCAR_FAST_READS=0:
    # read at construction, so the switch reaches every app (tests, the pytest plugin).
    fast_reads: bool = field(default_factory=lambda: _flag(
        os.environ.get(ENV_PREFIX + "FAST_READS", "1")))
    # `mockcar serve --state PATH` (MOCKCAR_STATE): keep every World's changes in this
    # SQLite file across restarts (mockcar.state); None keeps them in memory only.
    state: Path | None = None
    # `--reset-state`: start from the scenario alone, emptying the state file.
    reset_state: bool = False
    # SQLite's synchronous setting for the state file (MOCKCAR_STATE_SYNC): `normal`
    # survives the process being killed, `full` also a power cut (an fsync per change).
    state_sync: str = "normal"

    def __post_init__(self) -> None:
        if self.scenario is None:
            object.__setattr__(self, "scenario", default_scenario())

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        # 127.0.0.1 rather than "localhost": Node resolves localhost to ::1 first, where
        # nothing listens when we bind IPv4 loopback only.
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from MOCKCAR_* variables, then explicit overrides (CLI flags) on top;
        an override of None means "not given"."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def speed(raw: str, source: str = "--speed") -> float:
    """A clock speed: a number above 0 and at most a day per second (Clock.MAX_SPEED)."""
    from mockcar.domain.world.clock import MAX_SPEED

    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{source} must be a number, got {raw!r}") from None
    if not 0 < value <= MAX_SPEED:
        raise ValueError(f"{source} must be above 0 and at most {MAX_SPEED:g} (a day per "
                         f"second), got {raw}")
    return value


STATE_SYNC_MODES = ("normal", "full")


def state_sync(raw: str, source: str = "--state-sync") -> str:
    value = raw.strip().lower()
    if value not in STATE_SYNC_MODES:
        raise ValueError(f"{source} must be one of {', '.join(STATE_SYNC_MODES)}, got {raw!r}")
    return value


SERVERS = ("uvicorn", "granian")


def server(raw: str, source: str = "--server") -> str:
    value = raw.strip().lower()
    if value not in SERVERS:
        raise ValueError(f"{source} must be one of {', '.join(SERVERS)}, got {raw!r}")
    return value


def port(raw: str, source: str = "--port") -> int:
    """A TCP port: 1-65535, or 0 for a free one the system picks."""
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{source} must be a port number, got {raw!r}") from None
    if not 0 <= value <= MAX_PORT:
        raise ValueError(f"{source} must be 1-{MAX_PORT} (0 picks a free port), got {raw}")
    return value


def _parse(name: str, raw: str) -> object:
    if name == "scenario":
        return scenario_file(raw, f"{ENV_PREFIX}SCENARIO")
    if name == "port":
        return port(raw, f"{ENV_PREFIX}PORT")
    if name == "seed":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name.upper()} must be an integer, got {raw!r}") from None
    if name == "state":
        return Path(raw)
    if name == "server":
        return server(raw, f"{ENV_PREFIX}SERVER")
    if name == "state_sync":
        return state_sync(raw, f"{ENV_PREFIX}STATE_SYNC")
    if name == "fast_reads":
        return _flag(raw)
    if name in ("insecure_transport", "quiet", "reset_state"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "speed":
        return speed(raw, f"{ENV_PREFIX}SPEED")
    if name == "allowed_hosts":
        return tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    if name == "max_applications":
        return count(raw, f"{ENV_PREFIX}{name.upper()}")
    if name in ("max_body_bytes", "max_scenario_bytes"):
        return byte_count(raw, f"{ENV_PREFIX}{name.upper()}")
    return raw


def byte_count(raw: str, source: str) -> int:
    """A size in bytes: a whole number above 0."""
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{source} must be a number of bytes, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{source} must be above 0, got {raw}")
    return value


def count(raw: str, source: str) -> int:
    """A whole number above 0."""
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{source} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{source} must be above 0, got {raw}")
    return value


def _flag(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")
