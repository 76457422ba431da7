"""Connect pages (placeholder until the Connect flow lands)."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
