"""Scenarios for tenants: the `WorldSource` the control API builds a registered
application's World from (mockcar.domain.world.tenants).

A scenario is parsed and validated once and kept; each World built from it is new, with
its own clock, so building one per test costs about as much as generating its vehicles.
Three sources: the server's own scenario file, a scenario bundled with mockcar by file
name, or a YAML document sent inline (what the pytest plugin sends for a local file, so
it works the same against a server in docker).
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world import simulator
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.tenants import ScenarioChoice, ScenarioRejected
from mockcar.domain.world.world import Owner, World
from mockcar.scenario.build import build_world
from mockcar.scenario.errors import ScenarioError
from mockcar.scenario.generate import FleetGenerator
from mockcar.scenario.timelines.build import attach

if TYPE_CHECKING:
    from mockcar.scenario.fleets.table import FleetCache
    from mockcar.scenario.schema.scenario import Scenario

INLINE = "<inline scenario>"
# Inline documents kept parsed: a test suite uses a handful; a bound keeps a server that
# is sent a new one per request from growing.
INLINE_CACHE = 64
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class ScenarioLibrary:
    """Builds Worlds from the server's scenario (`default`, with the server's `seed`),
    from bundled scenario files in `bundled`, or from inline YAML."""

    def __init__(self, default: Path, bundled: Path, seed: int | None = None,
                 speed: float = 1.0) -> None:
        self.default = default
        self.bundled = bundled
        self.seed = seed
        self.speed = speed  # every World's clock runs at the server's speed (--speed)
        self._files: dict[Path, Scenario] = {}
        self._inline: OrderedDict[str, Scenario] = OrderedDict()
        # Fleet tables outlive Worlds: a tenant copied from a 100,000-vehicle scenario
        # shares its table (mockcar.scenario.fleets.table) and costs nothing per vehicle.
        # Made with the first World built here: the library, the schema and pydantic
        # load when the control API first asks for a World, not at start.
        self._fleets: FleetCache | None = None
        # The control API builds on worker threads; one build at a time keeps the caches
        # above consistent.
        self._lock = threading.Lock()

    def build(self, choice: ScenarioChoice) -> World:
        with self._lock:
            return self._build(choice)

    def _build(self, choice: ScenarioChoice) -> World:
        if choice.yaml is not None and choice.name is not None:
            raise ScenarioRejected(["give a scenario name or YAML, not both"])
        if choice.yaml is not None:
            scenario = self._from_text(choice.yaml)
            seed = choice.seed
        elif choice.name is not None:
            scenario = self._from_file(self._bundled(choice.name))
            seed = choice.seed
        else:
            scenario = self._from_file(self.default)
            seed = self.seed if choice.seed is None else choice.seed
        clock = Clock()
        if self.speed != 1.0:
            clock.set_speed(self.speed)
        if self._fleets is None:
            from mockcar.scenario.fleets.table import FleetCache

            self._fleets = FleetCache()
        return build_world(scenario, clock=clock, seed=seed, fleets=self._fleets)

    def add_vehicle(
        self, world: World, fields: Mapping[str, Any], *, email: str, password: str | None,
        country: str | None,
    ) -> Vehicle:
        """Validated exactly as a scenario's `owners[].vehicles[]` entry, drawn from the
        World's seed under a key of the owner and the vehicle's position, so the same
        calls on the same World make the same vehicles."""
        owner = world.owners.get(email.strip().lower())
        draft: dict[str, Any] = {
            "email": email, "password": password or (owner.password if owner else None)
            or "mockcar", "vehicles": [dict(fields)],
        }
        if country is not None:
            draft["country"] = country
        elif owner is not None:
            draft["country"] = owner.country
        from mockcar.scenario.loader import validate
        from mockcar.scenario.yamlsource import Document  # PyYAML, on first use

        try:
            scenario = validate(Document({"version": 1, "owners": [draft]}, {}), "request")
        except ScenarioError as error:
            raise ScenarioRejected([_request_problem(p.path, p.message)
                                    for p in error.problems]) from None
        spec_owner = scenario.owners[0]
        spec = spec_owner.vehicles[0]
        clash = [f"vehicle.{k}: {v!r} is taken by another vehicle of this world"
                 for k, v, taken in (("id", spec.id, spec.id in world.vehicles),
                                     ("vin", spec.vin, world.vehicle_by_vin(spec.vin or "")))
                 if v is not None and taken]
        wanted = spec.simulator.application if spec.simulator is not None else None
        if wanted is not None and wanted not in world.applications:
            clash.append(f"vehicle.simulator.application: no application {wanted!r} in this "
                         f"world; it has {', '.join(world.applications) or 'none'}")
        if clash:
            raise ScenarioRejected(clash)
        index = len(owner.vehicle_ids) if owner else 0
        key = f"control:{spec_owner.email.lower()}:{index}"
        vehicle = FleetGenerator(world.seed).vehicle(spec, key, spec_owner.country, world.now())
        if spec.timeline is not None:
            attach(vehicle, spec.timeline, world.seed, key, world.now(),
                   location_given=spec.location is not None)
        if vehicle.id in world.vehicles:
            raise ScenarioRejected([f"vehicle.id: the drawn id {vehicle.id} is taken; give an id"])
        if owner is None:
            owner = Owner(
                id=str(uuid.uuid5(uuid.NAMESPACE_URL,
                                  f"mockcar:{world.seed}:owner:{spec_owner.email.lower()}")),
                email=spec_owner.email, password=spec_owner.password,
                country=spec_owner.country, vehicle_ids=[],
            )
            world.add_owner(owner, [])
        world.vehicles[vehicle.id] = vehicle
        owner.vehicle_ids.append(vehicle.id)
        if spec.simulator is not None and spec.simulator.connected:
            simulator.connect(world, owner, vehicle, spec.simulator.application)
        return vehicle

    def forget(self) -> None:
        with self._lock:
            self._files.clear()
            self._inline.clear()

    def names(self) -> list[str]:
        """The bundled scenarios, by file name."""
        if not self.bundled.is_dir():
            return []
        return sorted(p.name for p in self.bundled.iterdir() if p.suffix in (".yaml", ".yml"))

    def _bundled(self, name: str) -> Path:
        # A file name, never a path: the control API is unauthenticated, and must not
        # read whatever file the server can.
        available = self.names()
        candidates = [name] if Path(name).suffix in (".yaml", ".yml") else [f"{name}.yaml",
                                                                           f"{name}.yml"]
        if _NAME.fullmatch(name):
            for candidate in candidates:
                if candidate in available:
                    return self.bundled / candidate
        listed = ", ".join(available) or "none"
        problem = (f"no bundled scenario {name!r}; bundled: {listed} (send a scenario of "
                   "your own as YAML instead)")
        raise ScenarioRejected([problem])

    def _from_file(self, path: Path) -> Scenario:
        from mockcar.scenario.loader import load_scenario

        found = self._files.get(path)
        if found is None:
            try:
                found = self._files[path] = load_scenario(path)
            except ScenarioError as error:
                raise ScenarioRejected([str(p) for p in error.problems]) from None
        return found

    def _from_text(self, text: str) -> Scenario:
        from mockcar.scenario.loader import MAX_BYTES, validate

        # surrogatepass: JSON can carry a lone surrogate, which parse() then locates
        raw = text.encode("utf-8", "surrogatepass")
        if len(raw) > MAX_BYTES:
            raise ScenarioRejected([f"{INLINE}: larger than {MAX_BYTES // 2**20} MiB"])
        key = hashlib.sha256(raw).hexdigest()
        found = self._inline.get(key)
        if found is not None:
            self._inline.move_to_end(key)
            return found
        from mockcar.scenario.yamlsource import parse  # PyYAML, on first use

        try:
            found = validate(parse(text, INLINE), INLINE)
        except ScenarioError as error:
            raise ScenarioRejected([str(p) for p in error.problems]) from None
        self._inline[key] = found
        while len(self._inline) > INLINE_CACHE:
            self._inline.popitem(last=False)
        return found


def _request_problem(path: str, message: str) -> str:
    """`owners[0].vehicles[0].battery.level` -> `vehicle.battery.level`: the request's
    own terms, not the scenario document it was checked as."""
    for prefix, name in (("owners[0].vehicles[0]", "vehicle"), ("owners[0]", "owner")):
        if path.startswith(prefix):
            return f"{name}{path[len(prefix):]}: {message}"
    return f"{path or 'request'}: {message}"
