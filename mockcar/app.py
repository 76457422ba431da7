"""The one module that wires every layer together (DESIGN.md): scenario → World,
World + authlib server → the Starlette app with Connect, token and Vehicle API routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware

from mockcar.delivery.lifespan import WakeOnChange, lifespan
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.scenario.catalog.platform import vehicle_catalog
from mockcar.scenario.library import ScenarioLibrary
from mockcar.settings import Settings, bundled_scenarios
from mockcar.web import error_shapes, fast_reads, routes, tenancy
from mockcar.web.guard import Guard
from mockcar.web.journal import JournalMiddleware
from mockcar.web.persistence import CommitBeforeAnswer
from mockcar.web.request_id import RequestIdMiddleware

if TYPE_CHECKING:
    from mockcar.oauth.client_credentials import ApplicationTokenServer
    from mockcar.oauth.server import MockcarAuthorizationServer
    from mockcar.state.keeper import StateKeeper


def create_app(settings: Settings | None = None, world: World | None = None, *,
               keeper: StateKeeper | None = None) -> Starlette:
    """An ASGI app serving every Smartcar host on one origin.

    `world` lets tests hand in a prepared World; otherwise it is built from
    `settings.scenario`, which raises `ScenarioError` for a bad file. With
    `settings.state`, the World's saved changes are applied onto it (`keeper`, when the
    CLI opened the state already; StoreError when the file cannot be used).
    """
    settings = settings or Settings()
    if world is None:
        world = load_world(settings.scenario, seed=settings.seed)
    if keeper is None and settings.state is not None:
        from mockcar.state.keeper import open_state  # sqlite3 only for servers that keep state

        keeper = open_state(settings.state, settings.scenario, settings.seed, world,
                            reset_state=settings.reset_state, sync=settings.state_sync,
                            speed=settings.speed)
    app = Starlette(
        # Every host's routes, in matching order (mockcar.web.routes).
        routes=routes.routes,
        # The journal inside the request id, so its entries carry the id; outermost, a
        # request that may have changed state wakes the webhook dispatcher once answered.
        # The guard's refusals (size, Host, Origin, control token) carry the request id
        # and are not journaled: no handler saw them.
        middleware=[Middleware(WakeOnChange), Middleware(RequestIdMiddleware),
                    Middleware(Guard, settings=settings), Middleware(JournalMiddleware),
                    # With --state, a request's changes are saved before its answer starts.
                    Middleware(CommitBeforeAnswer), Middleware(error_shapes.ShapedErrors)],
        # Every error, and a path no route matches, answers in its host's shape
        # (mockcar.web.error_shapes); innermost, ShapedErrors answers a handler's failure.
        exception_handlers=error_shapes.exception_handlers,
        # Starts and stops the webhook dispatcher (app.state.dispatcher).
        lifespan=lifespan,
    )
    if settings.fast_reads:
        # In front of every middleware, the hot reads' lean path (mockcar.web.fast_reads):
        # it answers a plain read exactly as they would, and hands them everything else.
        fast_reads.install(app)
    app.state.settings = settings
    app.state.dispatcher = None  # set while the lifespan runs (mockcar.delivery)
    # The makes and models the Compatibility API knows (static, shared by every World).
    app.state.vehicle_catalog = vehicle_catalog()
    # The scenario's World; each application registered through the control API gets
    # its own World in `tenants` (mockcar.web.tenancy routes requests between them).
    if settings.speed != 1.0:  # `mockcar serve --speed N`: the World's clock runs N times as fast
        world.clock.set_speed(settings.speed)
    app.state.world = world
    app.state.tenants = tenants = Tenants(limit=settings.max_applications)
    # Saves what requests and webhook deliveries change (mockcar.state); None: memory only.
    app.state.keeper = keeper
    if keeper is not None:
        keeper.attach(app.state)
    # What the control API builds registered applications' Worlds from.
    app.state.scenarios = ScenarioLibrary(settings.scenario, bundled_scenarios(), settings.seed,
                                          speed=settings.speed)
    def worlds(client_id: str) -> World | None:
        return tenancy.world_for_client(tenants, app.state.world, client_id)

    def make_authorization_server() -> MockcarAuthorizationServer:
        from mockcar.oauth.server import build_authorization_server

        return build_authorization_server(worlds, settings)

    def make_application_token_server() -> ApplicationTokenServer:
        from mockcar.oauth.client_credentials import build_application_token_server

        return build_application_token_server(worlds, settings.insecure_transport)

    # The token endpoints' servers, made on the first request that needs one
    # (mockcar.web.auth.servers): a start does not import authlib. API v3's IAM token
    # endpoint issues application tokens (client credentials).
    app.state.authorization_server = app.state.application_token_server = None
    app.state.make_authorization_server = make_authorization_server
    app.state.make_application_token_server = make_application_token_server
    return app
