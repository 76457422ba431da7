"""Starlette ↔ authlib: the `OAuth2Request` authlib's grants read.

authlib's server is synchronous and reads the form body as a plain mapping, so the
endpoint awaits `request.form()` first and hands the parsed form in as a `FormSubmission`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from authlib.common.security import is_secure_transport
from authlib.oauth2.rfc6749 import InsecureTransportError, OAuth2Payload, OAuth2Request
from starlette.datastructures import FormData
from starlette.requests import Request

from mockcar.domain.world.world import Token

# authlib's OAuth2Request.__init__ checks transport security itself, against the process-
# wide AUTHLIB_INSECURE_TRANSPORT variable. mockcar decides that per server instead (see
# `StarletteOAuth2Request`), so the base class is shown this https URL and the real one is
# put back right after.
_CHECKED_URI = "https://localhost/oauth/token"


@dataclass(frozen=True)
class FormSubmission:
    """A Starlette request whose body has already been awaited and parsed."""

    request: Request
    form: FormData


class FormPayload(OAuth2Payload):  # type: ignore[misc]
    """The token request's parameters: the form body only (RFC 6749 §4.1.3, §6).

    The query string is left out on purpose: Smartcar's SDKs put `flags` there, and a
    `grant_type` or `code` in the URL is not an RFC 6749 token request. Multipart file
    parts are ignored; a parameter is always text.
    """

    def __init__(self, form: FormData) -> None:
        lists: dict[str, list[str]] = defaultdict(list)
        for key, value in form.multi_items():
            if isinstance(value, str):
                lists[key].append(value)
        self._datalist = dict(lists)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """An `OAuth2Request` over a `FormSubmission`.

    `allow_insecure` replaces authlib's environment-variable switch: when False, the URL
    must pass authlib's own rule (https, or http on a loopback host), else 400
    `insecure_transport`; when True, plain http to any host is accepted (docker service
    names, Starlette's `testserver`). authlib's rule still honours AUTHLIB_INSECURE_TRANSPORT
    if someone sets it, which can only loosen the check.
    """

    def __init__(self, submission: FormSubmission, *, allow_insecure: bool) -> None:
        request = submission.request
        url = str(request.url)
        if not allow_insecure and not is_secure_transport(url):
            raise InsecureTransportError(
                "mockcar runs with insecure transport off: call it over https or on a "
                "loopback host, or start it with MOCKCAR_INSECURE_TRANSPORT=1."
            )
        # Keyword arguments: OAuth2Request's positional order has changed between
        # releases. Starlette's case-insensitive Headers, not a dict: authlib looks up
        # "Authorization" with that exact casing, and ASGI headers arrive lower-cased.
        super().__init__(method=request.method, uri=_CHECKED_URI, headers=request.headers)
        self.uri = url
        self.payload = FormPayload(submission.form)
        self._starlette = request
        # The pair the token endpoint stored for this request (its save_token).
        self.issued: Token | None = None

    @property
    def args(self) -> dict[str, str]:
        return dict(self._starlette.query_params)

    @property
    def form(self) -> dict[str, str]:
        data: dict[str, str] = self.payload.data
        return data

    @property
    def content_type(self) -> str:
        return self._starlette.headers.get("content-type", "")
