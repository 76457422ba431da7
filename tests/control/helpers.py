"""What the control API tests share: a registered application's handle and headless
Connect with the token exchange."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

ALICE = ("alice@example.com", "alice-password")


@dataclass
class App:
    """A registered application as the control API returned it."""

    body: dict[str, Any]

    @property
    def client_id(self) -> str:
        return str(self.body["client_id"])

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.body['management_token']}"}

    @property
    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.body['client_secret']}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    def path(self, sub: str = "") -> str:
        return f"/_mockcar/applications/{self.client_id}{sub}"


Register = Callable[..., App]


def connect(client: TestClient, app: App, email: str = ALICE[0], **body: Any) -> dict[str, Any]:
    """Headless Connect with the token exchange; the answer (200 checked)."""
    response = client.post(app.path("/connect"), headers=app.auth,
                           json={"email": email, "exchange": True, **body})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def bearer(answer: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {answer['access_token']}"}
