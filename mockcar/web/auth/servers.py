"""The token endpoints' servers (mockcar.oauth, over authlib), made for an app on the
first request that needs one: `/oauth/token`, `/oauth2/token`, or a control route that
redeems a code. authlib is ~10 ms of a start a server answering only the API, the
control API or the dashboard never needs. `create_app` leaves a factory for each on
`app.state` (`make_authorization_server`, `make_application_token_server`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from starlette.datastructures import State

    from mockcar.oauth.client_credentials import ApplicationTokenServer
    from mockcar.oauth.server import MockcarAuthorizationServer


def authorization_server(state: State) -> MockcarAuthorizationServer:
    """`/oauth/token`'s server (authorization code, refresh token), made once."""
    if state.authorization_server is None:
        state.authorization_server = state.make_authorization_server()
    return cast("MockcarAuthorizationServer", state.authorization_server)


def application_token_server(state: State) -> ApplicationTokenServer:
    """`/oauth2/token`'s server (application tokens by client credentials), made once."""
    if state.application_token_server is None:
        state.application_token_server = state.make_application_token_server()
    return cast("ApplicationTokenServer", state.application_token_server)
