"""`Mockcar`: one registered application on a running mockcar, as a test holds it.

Everything goes through the control API over HTTP (mockcar.testing.client), so a handle
works the same against the plugin's in-process server and against mockcar in docker
(`MOCKCAR_URL`). Each handle is its own tenant: its World, clock, faults and journal are
nobody else's.

    result = mockcar.connect("alice@example.com", scopes=["read_odometer"])
    mockcar.clock.advance(hours=2)
    mockcar.faults.add("VEHICLE_STATE.ASLEEP", endpoint="/odometer", times=1)
    mockcar.vehicle(result.vehicles[0]).set(plugged_in=False)
    mockcar.journal.assert_called("/v2.0/vehicles/{id}/odometer", times=1)
    mockcar.restore(prepared)   # a snapshot taken once, with `Mockcar.snapshot()`
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Self
from urllib.parse import quote

from mockcar.settings import sdk_environment
from mockcar.testing.client import ControlClient, MockcarError
from mockcar.testing.sdk import smartcar_sdk_pointed_at

JOURNAL_SHOWN = 15  # entries an assertion failure lists


@dataclass(frozen=True)
class ConnectResult:
    """The end of a headless Connect: a `code` (and with exchange, the token pair), or
    an `error` such as access_denied; `redirect_url` is where Connect would send the
    browser."""

    redirect_url: str
    state: str | None = None
    code: str | None = None
    user_id: str | None = None
    vehicles: list[str] = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)
    access_token: str | None = None
    refresh_token: str | None = None
    token_type: str | None = None
    expires_in: int | None = None
    error: str | None = None
    error_description: str | None = None

    @property
    def authorization(self) -> dict[str, str]:
        """`{"Authorization": "Bearer <access token>"}` for an HTTP client."""
        if self.access_token is None:
            raise ValueError("no access token: connect(..., exchange=True) makes one")
        return {"Authorization": f"Bearer {self.access_token}"}


class Clock:
    def __init__(self, owner: Mockcar) -> None:
        self._owner = owner

    def now(self) -> datetime:
        return self._read(self._owner._get("/clock"))

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0,
                seconds: float = 0) -> datetime:
        return self._read(self._owner._post("/clock/advance", {
            "days": days, "hours": hours, "minutes": minutes, "seconds": seconds}))

    def freeze(self, at: datetime | None = None) -> datetime:
        return self._read(self._owner._post(
            "/clock/freeze", {"at": at.isoformat()} if at else {}))

    def unfreeze(self) -> datetime:
        return self._read(self._owner._post("/clock/unfreeze"))

    def set(self, at: datetime) -> datetime:
        return self._read(self._owner._post("/clock/set", {"at": at.isoformat()}))

    def speed(self, factor: float) -> datetime:
        """World seconds per wall second from now on (60: a minute per second)."""
        return self._read(self._owner._post("/clock/speed", {"speed": factor}))

    @staticmethod
    def _read(body: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(body["now"])


class Faults:
    def __init__(self, owner: Mockcar) -> None:
        self._owner = owner

    def add(self, type: str, code: str | None = None, *, endpoint: str | None = None,
            vehicle: str | None = None, method: str | None = None, times: int | None = None,
            probability: float | None = None, message: str | None = None,
            retry_after: int | None = None, make: str | None = None,
            start: str | time | datetime | None = None,
            end: str | time | datetime | None = None) -> dict[str, Any]:
        """Make matching API requests answer a Smartcar error. `type` may carry the code
        ("VEHICLE_STATE.ASLEEP" or "VEHICLE_STATE:ASLEEP"); `endpoint` is the path below
        the vehicle ("/odometer", "/" for attributes) or the version ("/vehicles");
        `make` matches every vehicle of a make ("TESLA"); `start`/`end` make the rule
        active only in a window of the World's clock: times of day in UTC ("10:00",
        every day) or instants."""
        if code is None:
            for separator in (".", ":"):
                if separator in type:
                    type, code = type.split(separator, 1)
                    break
        body = {"type": type, "code": code, "endpoint": endpoint, "vehicle_id": vehicle,
                "method": method, "times": times, "probability": probability,
                "message": message, "retry_after": retry_after, "make": make,
                "start": start.isoformat() if isinstance(start, time | datetime) else start,
                "end": end.isoformat() if isinstance(end, time | datetime) else end}
        rule: dict[str, Any] = self._owner._post(
            "/faults", {k: v for k, v in body.items() if v is not None})
        return rule

    def list(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self._owner._get("/faults")["faults"]
        return rules

    def remove(self, fault_id: str) -> None:
        self._owner._post(f"/faults/{quote(fault_id, safe='')}/delete")

    def clear(self) -> int:
        return int(self._owner._post("/faults/clear")["cleared"])


class Journal:
    """The requests this application's World received (secrets redacted), oldest first.
    Filters: `path` (a pattern: `*` matches anything, `{name}` one segment), `method`,
    `status`, `vehicle_id`, `token` (an access token as you hold it), `since` (a seq)."""

    def __init__(self, owner: Mockcar) -> None:
        self._owner = owner

    def requests(self, path: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        query = self._query(path, filters)
        entries: list[dict[str, Any]] = self._owner._get("/journal", query)["entries"]
        return entries

    def count(self, path: str | None = None, **filters: Any) -> int:
        return int(self._owner._get("/journal/count", self._query(path, filters))["count"])

    def last(self, path: str | None = None, **filters: Any) -> dict[str, Any] | None:
        found = self._owner._get("/journal", {**self._query(path, filters), "limit": 1})
        return found["entries"][-1] if found["entries"] else None

    def mark(self) -> int:
        """The seq of the newest entry: pass it as `since=` to look only at what follows."""
        newest = self.last()
        return int(newest["seq"]) if newest else 0

    def verify(self, path: str | None = None, *, times: int | None = None,
               at_least: int | None = None, at_most: int | None = None,
               **filters: Any) -> dict[str, Any]:
        body = {**self._query(path, filters), "times": times, "at_least": at_least,
                "at_most": at_most}
        answer: dict[str, Any] = self._owner._post(
            "/journal/verify", {k: v for k, v in body.items() if v is not None})
        return answer

    def assert_called(self, path: str | None = None, *, times: int | None = None,
                      at_least: int | None = None, at_most: int | None = None,
                      **filters: Any) -> None:
        """Fail unless the matching requests number `times` exactly (or at least /
        at most); with none given, at least once."""
        answer = self.verify(path, times=times, at_least=at_least, at_most=at_most, **filters)
        if not answer["verified"]:
            recent = self._owner._get("/journal", {"limit": JOURNAL_SHOWN})["entries"]
            lines = [f"  #{e['seq']} {e['method']} {e['path']} -> {e['status']}" for e in recent]
            raise AssertionError(
                f"mockcar journal: {answer['message']}\nlatest requests:\n"
                + ("\n".join(lines) or "  (none)")
            )

    def assert_not_called(self, path: str | None = None, **filters: Any) -> None:
        self.assert_called(path, times=0, **filters)

    def clear(self) -> int:
        return int(self._owner._post("/journal/clear")["cleared"])

    @staticmethod
    def _query(path: str | None, filters: dict[str, Any]) -> dict[str, Any]:
        query = {"path": path, **filters}
        return {k: v for k, v in query.items() if v is not None}


class VehicleHandle:
    def __init__(self, owner: Mockcar, vehicle_id: str) -> None:
        self._owner = owner
        self.id = vehicle_id

    def get(self) -> dict[str, Any]:
        found: dict[str, Any] = self._owner._get(f"/vehicles/{quote(self.id, safe='')}")
        return found

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.get()["state"]
        return state

    def set(self, **fields: Any) -> dict[str, Any]:
        """Set state directly: `plugged_in=False`, `doors_open=["frontLeft"]`,
        `location={"latitude": .., "longitude": ..}`, `battery_level=0.2`, `moving=True`…
        All or nothing; an unknown or unfitting field is an error."""
        changed: dict[str, Any] = self._owner._post(
            f"/vehicles/{quote(self.id, safe='')}/state", fields)
        return changed


class Mockcar:
    """A registered application and its World. Built by the `mockcar` fixture, or by
    `Mockcar.register(url)` for code of your own."""

    def __init__(self, control: ControlClient, registration: dict[str, Any], *,
                 owns_client: bool = False) -> None:
        self._control = control
        self._owns_client = owns_client
        self.url: str = control.base_url
        self.client_id: str = registration["client_id"]
        self.client_secret: str = registration["client_secret"]
        self.management_token: str = registration["management_token"]
        self.name: str = registration["name"]
        self.redirect_uris: list[str] = list(registration["redirect_uris"])
        self._base = f"/_mockcar/applications/{quote(self.client_id, safe='')}"
        self._auth = f"Bearer {self.management_token}"
        self.clock = Clock(self)
        self.faults = Faults(self)
        self.journal = Journal(self)

    @classmethod
    def register(cls, url: str | ControlClient, *, scenario: str | None = None,
                 scenario_yaml: str | None = None, seed: int | None = None,
                 name: str | None = None, redirect_uris: list[str] | None = None) -> Mockcar:
        owns = not isinstance(url, ControlClient)
        control = ControlClient(url) if isinstance(url, str) else url
        body = {"scenario": scenario, "scenario_yaml": scenario_yaml, "seed": seed,
                "name": name, "redirect_uris": redirect_uris}
        try:
            registration = control.post("/_mockcar/applications",
                                         {k: v for k, v in body.items() if v is not None})
        except BaseException:
            if owns:
                control.close()
            raise
        return cls(control, registration, owns_client=owns)

    # -- the application --------------------------------------------------------------

    @property
    def redirect_uri(self) -> str:
        return self.redirect_uris[0]

    @property
    def basic_auth(self) -> dict[str, str]:
        """HTTP Basic with the client id and secret, as the token endpoint wants it."""
        raw = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return {"Authorization": f"Basic {raw}"}

    @property
    def credentials_env(self) -> dict[str, str]:
        """SMARTCAR_CLIENT_ID, SMARTCAR_CLIENT_SECRET and SMARTCAR_REDIRECT_URI of this
        application, as the SDKs read them when not given credentials."""
        return {"SMARTCAR_CLIENT_ID": self.client_id,
                "SMARTCAR_CLIENT_SECRET": self.client_secret,
                "SMARTCAR_REDIRECT_URI": self.redirect_uri}

    @property
    def sdk_env(self) -> dict[str, str]:
        """The environment variables that point the Smartcar SDKs at this server, with
        this application's credentials (for a subprocess: `{**os.environ, **sdk_env}`
        replaces any real SMARTCAR_* credentials of the shell)."""
        return {**sdk_environment(self.url), **self.credentials_env}

    @contextmanager
    def sdk(self) -> Iterator[None]:
        """Within the block the official Python SDK talks to this server as this
        application: `smartcar.AuthClient()` needs no arguments. It reads its origins at
        import; this patches both the environment and the loaded module, and restores
        both afterwards."""
        with smartcar_sdk_pointed_at(self.url, self.credentials_env):
            yield

    def auth_client(self, mode: str = "test", redirect_uri: str | None = None) -> Any:
        """A `smartcar.AuthClient` for this application (needs the `smartcar` package;
        use it inside `with mockcar.sdk():`)."""
        import smartcar

        return smartcar.AuthClient(self.client_id, self.client_secret,
                                   redirect_uri or self.redirect_uri, mode=mode)

    # -- Connect ----------------------------------------------------------------------

    def connect(self, email: str | None = None, *, vehicles: list[str] | None = None,
                scopes: list[str] | str | None = None, deny: bool = False, mode: str = "test",
                password: str | None = None, exchange: bool = True,
                redirect_uri: str | None = None, state: str | None = None,
                make: str | None = None, single_select: bool = False) -> ConnectResult:
        """An owner's consent without the pages: every vehicle of the account unless
        `vehicles` (ids or VINs) says which, every permission unless `scopes` does.
        With `make` (a brand, e.g. "FORD"), signed in at that brand as on Connect: only
        the account's vehicles of that make, and a test-mode account's are made of it.
        Without `email`, the first owner the scenario declares (in test mode).
        Returns the token pair (or, with `exchange=False`, only the code); a denial or a
        test-mode error account returns `error` instead."""
        body = {"email": email, "vehicles": vehicles, "scopes": scopes, "deny": deny,
                "mode": mode, "password": password, "exchange": exchange and not deny,
                "redirect_uri": redirect_uri, "state": state, "make": make,
                "single_select": single_select or None}
        answer = self._post("/connect", {k: v for k, v in body.items() if v is not None})
        return ConnectResult(**answer)

    def revoke(self, *, email: str | None = None, user_id: str | None = None,
               vehicle_id: str | None = None) -> list[dict[str, str]]:
        """The owner withdraws this application's access (to one vehicle or all)."""
        body = {"email": email, "user_id": user_id, "vehicle_id": vehicle_id}
        revoked: list[dict[str, str]] = self._post(
            "/connections/revoke", {k: v for k, v in body.items() if v is not None})["revoked"]
        return revoked

    # -- the World --------------------------------------------------------------------

    def vehicle(self, vehicle_id: str) -> VehicleHandle:
        return VehicleHandle(self, vehicle_id)

    def vehicles(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._get("/vehicles")["vehicles"]
        return found

    def add_vehicle(self, owner: str, *, password: str | None = None,
                    country: str | None = None, **fields: Any) -> VehicleHandle:
        """A vehicle for `owner` (an email; a new owner is made if none has it), with
        scenario fields (make, model, powertrain, battery…); the rest is generated."""
        body = {"owner": owner, "password": password, "country": country, "vehicle": fields}
        made = self._post("/vehicles", {k: v for k, v in body.items() if v is not None})
        return VehicleHandle(self, made["id"])

    def state(self) -> dict[str, Any]:
        dump: dict[str, Any] = self._get("/state")
        return dump

    def reset(self) -> None:
        """Back to a fresh copy of the scenario (same credentials, empty journal)."""
        self._post("/reset")

    def snapshot(self) -> dict[str, Any]:
        """This application's World as a snapshot document (JSON-able): its connections,
        tokens, vehicles' changes, clock, faults, webhooks… (mockcar.state.snapshot says
        what is in one and what is not). Take it once from an application you prepared,
        and `restore` it into each test's own."""
        taken: dict[str, Any] = self._get("/snapshot")
        return taken

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace this application's World by `snapshot`'s, taken from this or another
        registered application: the World is rebuilt from the snapshot's scenario and
        its records applied, re-keyed to this application's credentials, so the tokens
        it holds work here with this application's client id and secret. Costs a fresh
        World plus the records (a few milliseconds for the default scenario), far less
        than walking Connect again. The journal starts empty."""
        self._post("/snapshot", snapshot)

    def delete(self) -> None:
        """Delete the application and its World (and close the connections of a
        handle made by `register(url)`)."""
        try:
            self._post("/delete")
        except MockcarError as error:
            if error.status != 404:
                raise
        finally:
            self.close()

    def close(self) -> None:
        if self._owns_client:
            self._control.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.delete()

    # -- plumbing ---------------------------------------------------------------------

    def _get(self, path: str, query: dict[str, Any] | None = None) -> Any:
        return self._control.get(self._base + path, auth=self._auth, query=query)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._control.post(self._base + path, body, auth=self._auth)
