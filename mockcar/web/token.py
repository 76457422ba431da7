"""Token endpoint (placeholder)."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
