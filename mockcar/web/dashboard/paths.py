"""Where the dashboard's pages live, for the parts that tell hosts by a path's first
characters without importing the pages (mockcar.web.guard, mockcar.web.error_shapes)."""

from __future__ import annotations

ASSETS = "/assets/dashboard"
# Every dashboard page is `/` or under one of these (an application's World: under
# `/applications/{client_id}`).
PREFIXES: tuple[str, ...] = ("/vehicles", "/requests", "/webhooks", "/faults", "/docs",
                             "/applications", ASSETS)


def is_dashboard(path: str) -> bool:
    """`/`, or a path under a dashboard prefix (`/vehicles/x`, not `/vehiclesx`)."""
    return path == "/" or any(path == p or path.startswith(p + "/") for p in PREFIXES)
