"""The interactive API docs at `/docs`: Swagger UI over `/openapi.json`, every file served
by mockcar itself (nothing from a CDN).

Swagger UI's dist files come from the `swagger-ui-py` package (a dependency; Swagger UI
5, which reads OpenAPI 3.1 documents such as mockcar's), served at `/docs/assets/{name}`
from an allow-list; the initializer is a file of ours (api-docs.js), not an inline
script, so the page keeps the dashboard's 'self'-only Content-Security-Policy. One
allowance: `img-src data:`, for the few icons Swagger UI's stylesheet carries inline as
data: URLs (no request leaves the page for them).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.web.dashboard import layout

ASSETS = "/docs/assets"
# The files of Swagger UI's dist the page uses, and its licence.
FILES: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
}
PAGE_HEADERS = {"content-security-policy": layout.CONTENT_SECURITY_POLICY.replace(
    "img-src 'self'", "img-src 'self' data:")}


@cache
def dist() -> Path | None:
    """Swagger UI's dist folder in the installed `swagger-ui-py`, found without importing
    the package (its module imports framework glue mockcar does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


async def api_docs(request: Request) -> Response:
    if dist() is None:
        raise layout.PageError(503, "Swagger UI's files are not installed: "
                               "pip install swagger-ui-py (a dependency of mockcar).")
    return layout.render(request, "dashboard/api_docs.html", {
        "swagger_js": f"{ASSETS}/swagger-ui-bundle.js", "swagger_css": f"{ASSETS}/swagger-ui.css",
        "openapi_url": "/openapi.json",
    }, title="API docs", active="docs", headers=PAGE_HEADERS)


async def docs_asset(request: Request) -> Response:
    name = request.path_params["name"]
    folder = dist()
    if name not in FILES or folder is None or not (folder / name).is_file():
        return layout.error_page(request, layout.PageError(
            404, f"No API docs file {name!r}."))
    return Response((folder / name).read_bytes(), media_type=FILES[name],
                    headers={"cache-control": "public, max-age=86400"})


routes: list[BaseRoute] = [Route(ASSETS + "/{name}", docs_asset, methods=["GET"])]


def openapi() -> dict[str, Any]:
    """The asset route, for the document at /openapi.json to merge (the page itself is a
    row of mockcar.web.dashboard.routes)."""
    return {"paths": {ASSETS + "/{name}": {"get": {
        "operationId": "dashboard_docs_asset",
        "summary": "A file of Swagger UI's, for the interactive API docs at /docs",
        "tags": ["mockcar dashboard"],
        "parameters": [{"name": "name", "in": "path", "required": True,
                        "schema": {"enum": sorted(FILES)}}],
        "responses": {
            "200": {"description": "The file", "content": {
                media.split(";")[0]: {} for media in FILES.values()}},
            "404": {"description": "No such file", "content": {
                "text/html": {"schema": {"type": "string"}}}}}}}}}
