"""Tenants: a World per registered application (DESIGN principle 4).

The server's scenario World serves the applications its scenario declares. Through the
control API, a test registers an application of its own: it gets a World built from a
copy of a scenario, fresh credentials, its own clock, faults and request journal. Two
test runs sharing one server then never see each other's vehicles, tokens, faults or
requests.

A request names its tenant by what it carries: a client id (Connect URL, HTTP Basic at the
token endpoint), an access token (the Vehicle API), a management token (the Management
API), or the Connect session it is walking. `Tenants` finds each in one dictionary lookup
(a long shared test run may register thousands of applications); anything no registered
tenant claims belongs to the scenario World.

The indexes hold a key as long as the tenant's World does: a token or session the World
has dropped (expired, from the front of its stores) leaves the index when the tenant
next adds one of its kind, from the front too, so a long-running server's indexes do
not grow with its age, and a forgotten key routes as an unknown one.
"""

from __future__ import annotations

import secrets
import uuid
from collections import OrderedDict
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from mockcar.domain.journal.journal import CAPACITY, Journal
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.records import Application, ApplicationToken, Token
from mockcar.domain.world.world import World, new_secret
from mockcar.errors import DomainError, Kind

# Registered tenants held at most (Settings.max_applications); one more is refused, never
# made room for by dropping another run's tenant. A test fixture deletes its tenant on
# teardown, so only crashed runs leave any behind.
MAX_TENANTS = 2000
SCENARIO_JOURNAL_CAPACITY = 5000

# What a tenant's application looks like when its scenario declares none.
FALLBACK_APPLICATION = Application(
    client_id="", client_secret="", name="mockcar test application",
    redirect_uris=("http://localhost:8000/exchange",), management_token="",
)


class TenantLimitReached(DomainError):
    """The registry holds `limit` tenants already; a new one needs one deleted first."""

    kind = Kind.LIMIT

    def __init__(self, limit: int) -> None:
        super().__init__(f"{limit} applications are registered, the most this server holds")
        self.limit = limit


class ScenarioRejected(DomainError, ValueError):
    """The scenario asked for cannot be used; `problems` are one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ScenarioChoice:
    """Which scenario a tenant's World copies: the server's own (no name, no YAML), a
    scenario bundled with mockcar by file name, or a YAML document; `seed` overrides the
    scenario's."""

    name: str | None = None
    yaml: str | None = None
    seed: int | None = None


class WorldSource(Protocol):
    """Builds Worlds from scenarios; implemented by the scenario layer and handed to the
    web layer by `mockcar.app`, so neither web nor domain knows about YAML."""

    def build(self, choice: ScenarioChoice) -> World:
        """A new World (with its own clock); raises `ScenarioRejected`."""
        ...

    def names(self) -> list[str]:
        """The scenarios bundled with mockcar, by file name."""
        ...

    def forget(self) -> None:
        """Drop parsed scenarios: the next build reads its file again (a server reset
        picks up an edited scenario without a restart)."""
        ...

    def add_vehicle(
        self, world: World, fields: Mapping[str, Any], *, email: str, password: str | None,
        country: str | None,
    ) -> Vehicle:
        """A vehicle made as a scenario would make it from `fields` (what is left out is
        drawn from the World's seed), given to the owner `email` (created if new); raises
        `ScenarioRejected` naming each bad field."""
        ...


class Keys(OrderedDict[str, None]):
    """Index keys in the order they were added, as an ordered set."""

    def add(self, key: str) -> None:
        self[key] = None

    def drop_front(self, held: Container[str]) -> list[str]:
        """Drop, from the front, the keys no longer `held`; the keys dropped."""
        dropped = []
        while self:
            key = next(iter(self))
            if key in held:
                break
            del self[key]
            dropped.append(key)
        return dropped


class TokenKeys:
    """A tenant's access tokens, Connect pairs and application tokens apart: each kind
    has one lifetime, so each is dropped by its World in the order it was issued."""

    def __init__(self) -> None:
        self.pairs = Keys()
        self.application = Keys()

    def __iter__(self) -> Iterator[str]:
        return iter([*self.pairs, *self.application])

    def __len__(self) -> int:
        return len(self.pairs) + len(self.application)

    def clear(self) -> None:
        self.pairs.clear()
        self.application.clear()


@dataclass(eq=False)
class Tenant:
    application: Application
    world: World
    choice: ScenarioChoice
    journal: Journal = field(default_factory=Journal)
    # Index keys this tenant owns, oldest first; dropped with it, or once its World has.
    tokens: TokenKeys = field(default_factory=TokenKeys)
    sessions: Keys = field(default_factory=Keys)

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def check_secret(self, secret: str) -> bool:
        return self.application.check_secret(secret)

    def check_management_token(self, token: str) -> bool:
        return secrets.compare_digest(self.application.management_token.encode(), token.encode())


def new_application(
    world: World, name: str | None = None, redirect_uris: tuple[str, ...] | None = None
) -> Application:
    """An application with fresh credentials, modelled on the first one of `world`'s
    scenario (its name, redirect URIs, webhooks), with `name` and `redirect_uris`
    replacing the template's when given."""
    template = next(iter(world.applications.values()), FALLBACK_APPLICATION)
    return replace(
        template,
        client_id=str(uuid.uuid4()),
        client_secret=new_secret(),
        management_token=new_secret(),
        name=name or template.name,
        redirect_uris=redirect_uris or template.redirect_uris,
    )


def install(world: World, application: Application) -> World:
    """Make `application` the only application of `world`."""
    world.applications = {application.client_id: application}
    return world


class Tenants:
    """The registered tenants and the indexes that route a request to one.

    Every method runs on the server's event loop (or a test's thread with the server
    stopped); nothing here blocks.
    """

    def __init__(self, limit: int = MAX_TENANTS, journal_capacity: int = CAPACITY) -> None:
        self.limit = limit
        self.journal_capacity = journal_capacity
        self._by_client: dict[str, Tenant] = {}
        self._by_access_token: dict[str, Tenant] = {}
        self._by_management_token: dict[str, Tenant] = {}
        self._by_session: dict[str, Tenant] = {}
        # Requests the scenario World's applications made, and requests nobody claims.
        self.scenario_journal = Journal(SCENARIO_JOURNAL_CAPACITY)
        self.unclaimed_journal = Journal(SCENARIO_JOURNAL_CAPACITY)

    def __len__(self) -> int:
        return len(self._by_client)

    @property
    def full(self) -> bool:
        return len(self._by_client) >= self.limit

    def __iter__(self) -> Iterator[Tenant]:
        return iter(list(self._by_client.values()))

    # -- lifecycle --------------------------------------------------------------------

    def register(self, world: World, choice: ScenarioChoice, application: Application) -> Tenant:
        """Add a tenant for `application` over `world` (which is made to hold only it);
        TenantLimitReached when `limit` tenants are registered already."""
        if self.full:
            raise TenantLimitReached(self.limit)
        tenant = Tenant(application, install(world, application), choice,
                        Journal(self.journal_capacity))
        self._by_client[application.client_id] = tenant
        self._by_management_token[application.management_token] = tenant
        self._attach(tenant, tenant.world)
        return tenant

    def reset(self, tenant: Tenant, world: World) -> None:
        """Give `tenant` a fresh World (same credentials) and an empty journal; its
        tokens and Connect sessions are forgotten."""
        self._forget_keys(tenant)
        tenant.world.on_token_issued = None
        tenant.world = install(world, tenant.application)
        tenant.journal.clear()
        self._attach(tenant, world)

    def remove(self, client_id: str) -> Tenant | None:
        tenant = self._by_client.pop(client_id, None)
        if tenant is None:
            return None
        self._by_management_token.pop(tenant.application.management_token, None)
        self._forget_keys(tenant)
        tenant.world.on_token_issued = None
        return tenant

    def clear(self) -> None:
        for client_id in list(self._by_client):
            self.remove(client_id)
        self.scenario_journal.clear()
        self.unclaimed_journal.clear()

    # -- routing ----------------------------------------------------------------------

    def get(self, client_id: str) -> Tenant | None:
        return self._by_client.get(client_id)

    def by_access_token(self, token: str) -> Tenant | None:
        return self._by_access_token.get(token)

    def by_management_token(self, token: str) -> Tenant | None:
        return self._by_management_token.get(token)

    def by_session(self, session_id: str) -> Tenant | None:
        return self._by_session.get(session_id)

    def remember_session(self, session_id: str, tenant: Tenant) -> None:
        """Connect pages after the first carry only their session id; this routes them."""
        if self._by_client.get(tenant.client_id) is tenant:
            self._drop(self._by_session, tenant,
                       tenant.sessions.drop_front(tenant.world.connect_sessions))
            self._by_session[session_id] = tenant
            tenant.sessions.add(session_id)

    # -- internals --------------------------------------------------------------------

    def _attach(self, tenant: Tenant, world: World) -> None:
        def index(token: Token | ApplicationToken) -> None:
            # A World dropped by reset or removal may still finish a request in flight.
            if tenant.world is world and self._by_client.get(tenant.client_id) is tenant:
                keys, held = ((tenant.tokens.application, world.application_tokens)
                              if isinstance(token, ApplicationToken)
                              else (tenant.tokens.pairs, world.tokens_by_access))
                self._drop(self._by_access_token, tenant, keys.drop_front(held))
                self._by_access_token[token.access_token] = tenant
                keys.add(token.access_token)

        world.on_token_issued = index

    @staticmethod
    def _drop(index: dict[str, Tenant], tenant: Tenant, keys: list[str]) -> None:
        for key in keys:
            if index.get(key) is tenant:  # not a key another tenant has since been given
                del index[key]

    def _forget_keys(self, tenant: Tenant) -> None:
        for token in tenant.tokens:
            # A snapshot restored into another tenant carries the same tokens: theirs now.
            if self._by_access_token.get(token) is tenant:
                del self._by_access_token[token]
        for session_id in tenant.sessions:
            self._by_session.pop(session_id, None)
        tenant.tokens.clear()
        tenant.sessions.clear()
