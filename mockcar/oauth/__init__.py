"""The glue between Starlette and authlib's OAuth 2.0 server (RFC 6749).

`build_authorization_server(worlds, settings)` returns the `AuthorizationServer` the
token endpoint (`mockcar.web.auth.token`) drives; `worlds` finds the World (tenant) holding a
client id. Connect issues authorization codes itself through `World.issue_code`; this
package redeems them and rotates refresh tokens, storing every code and token in the
client's World.
"""

from mockcar.oauth.server import MockcarAuthorizationServer, build_authorization_server

__all__ = ["MockcarAuthorizationServer", "build_authorization_server"]
