"""Rules that span fields, run on a scenario that already has the right shape: unique
ids, VINs, emails and client ids; what a powertrain can have; whether the catalog can
fill in what was left out. Each finding names the key path to edit."""

from __future__ import annotations

from collections.abc import Iterator

from mockcar.scenario import fault_rules as fault_checks
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.errors import Loc, format_path
from mockcar.scenario.fleets import rules as fleet_checks
from mockcar.scenario.schema import timeline as schema_timeline
from mockcar.scenario.schema.scenario import Scenario, VehicleSpec

Finding = tuple[Loc, str]


def check(scenario: Scenario) -> list[Finding]:
    findings: list[Finding] = []
    findings += _unique(
        (("applications", i, "client_id"), a.client_id)
        for i, a in enumerate(scenario.applications)
    )
    # A management token names one application at the management API.
    findings += _unique(
        (("applications", i, "management_token"), a.management_token)
        for i, a in enumerate(scenario.applications) if a.management_token is not None
    )
    # A webhook id is global at Smartcar: subscribe names it without the application.
    findings += _unique(
        (("applications", i, "webhooks", k, "id"), w.id)
        for i, a in enumerate(scenario.applications) for k, w in enumerate(a.webhooks)
    )
    findings += _unique(
        (("owners", i, "email"), o.email.lower()) for i, o in enumerate(scenario.owners)
    )
    vehicles = [
        (("owners", i, "vehicles", j), v)
        for i, o in enumerate(scenario.owners)
        for j, v in enumerate(o.vehicles)
    ]
    findings += _unique(((*loc, "id"), v.id) for loc, v in vehicles if v.id is not None)
    findings += _unique(((*loc, "vin"), v.vin) for loc, v in vehicles if v.vin is not None)
    findings += fleet_checks.check(fleet_checks.fleets_of(scenario.fleet, scenario.fleets))
    findings += fault_checks.check(scenario)
    for i, app in enumerate(scenario.applications):
        findings += _unique(
            (("applications", i, "redirect_uris", k), uri)
            for k, uri in enumerate(app.redirect_uris)
        )
    client_ids = [a.client_id for a in scenario.applications]
    for loc, vehicle in vehicles:
        findings += [((*loc, *sub), text) for sub, text in _vehicle(vehicle)]
        findings += [((*loc, "simulator", *sub), text)
                     for sub, text in _simulator(vehicle, client_ids)]
        if vehicle.timeline is not None:
            findings += [((*loc, "timeline", *sub), text) for sub, text
                         in schema_timeline.check(vehicle.timeline, vehicle.powertrain)]
        if vehicle.doors_open:
            findings += _unique(
                ((*loc, "doors_open", k), door) for k, door in enumerate(vehicle.doors_open)
            )
    return findings


def _unique(items: Iterator[tuple[Loc, str]] | list[tuple[Loc, str]]) -> list[Finding]:
    first: dict[str, Loc] = {}
    findings: list[Finding] = []
    for loc, value in items:
        if value in first:
            findings.append((loc, f"duplicate {value!r}, already used at {format_path(first[value])}"))
        else:
            first[value] = loc
    return findings


def _simulator(v: VehicleSpec, client_ids: list[str]) -> Iterator[tuple[Loc, str]]:
    """A simulator car's make and model are the simulator's; its application exists."""
    if v.simulator is None:
        return
    for key, given in (("make", v.make), ("model", v.model)):
        if given is not None:
            yield (), (f"a simulator vehicle's make is Simulated and its model its "
                       f"powertrain; remove {key}: {given!r}")
    wanted = v.simulator.application
    if wanted is not None and wanted not in client_ids:
        yield ("application",), (f"no application {wanted!r} in this scenario; its client "
                                 f"ids: {', '.join(client_ids) or 'none'}")


def _vehicle(v: VehicleSpec) -> list[tuple[Loc, str]]:
    """Contradictions first; the catalog is consulted only for a consistent vehicle,
    else a battery on an ICE car would also be reported as "no model fits"."""
    found = list(_contradictions(v))
    return found or list(_catalog_fit(v))


def _contradictions(v: VehicleSpec) -> Iterator[tuple[Loc, str]]:
    pt = v.powertrain
    if pt is not None and pt not in catalog.BATTERY_POWERTRAINS:
        for key in ("battery", "plugged_in", "charging", "charge_limit"):
            if getattr(v, key) is not None:
                yield (key,), f"{pt} vehicles have no plug-in battery; only BEV and PHEV have {key}"
    if pt == "BEV" and v.fuel is not None:
        yield ("fuel",), "BEV vehicles have no fuel tank; only PHEV, HEV and ICE have fuel"
    if v.charging and v.plugged_in is False:
        yield ("charging",), "cannot be true while plugged_in is false"
    for key in ("battery", "fuel"):
        tank = getattr(v, key)
        if tank is not None and tank.level == 0 and tank.range:
            yield (key, "range"), f"must be 0 when {key}.level is 0, got {tank.range}"


def _catalog_fit(v: VehicleSpec) -> Iterator[tuple[Loc, str]]:
    """Whether make/model/powertrain can be completed: an unknown make needs a model,
    an unknown model needs a make; together they stand on their own, unless they name a
    catalog model whose powertrain contradicts a given battery or tank."""
    if v.make is not None and v.model is not None:
        yield from _known_model_fit(v)
        return
    if catalog.candidates(v.make, v.model, v.powertrain, v.needs_battery, v.needs_fuel):
        return
    if v.make is not None and v.make not in catalog.MAKES:
        yield ("make",), (f"{v.make} is not in mockcar's catalog ({', '.join(catalog.MAKES)}); "
                          "give a model too")
    elif v.model is not None and not catalog.candidates(None, v.model, None, False, False):
        yield ("model",), f"{v.model!r} is not in mockcar's catalog; give a make too"
    else:
        wanted = ", ".join(
            f"{k} {val}" for k, val in (("make", v.make), ("model", v.model),
                                        ("powertrain", v.powertrain)) if val
        ) or "these fields"
        needs = [k for k, on in (("battery", v.needs_battery), ("fuel", v.needs_fuel)) if on]
        extra = f" with {' and '.join(needs)}" if needs else ""
        key = "powertrain" if v.powertrain else ("make" if v.make else "model")
        yield (key,), f"no catalog model fits {wanted}{extra}; give both make and model"


def _known_model_fit(v: VehicleSpec) -> Iterator[tuple[Loc, str]]:
    """`make: TESLA, model: Model 3, fuel: {...}` is a typo more often than a petrol
    Tesla; an explicit powertrain says it is meant (and then the given values win)."""
    known = catalog.candidates(v.make, v.model, None, False, False)
    if not known or v.powertrain is not None:
        return
    if catalog.candidates(v.make, v.model, None, v.needs_battery, v.needs_fuel):
        return
    kinds = " or ".join(sorted({row.powertrain for row in known}))
    name = f"{v.make} {known[0].model}"
    if v.needs_fuel and not any(r.powertrain in catalog.FUEL_POWERTRAINS for r in known):
        key, lacks = "fuel", "a fuel tank"
    else:
        key = next((k for k in ("battery", "plugged_in", "charging", "charge_limit")
                    if getattr(v, k) is not None), "timeline")
        lacks = "a plug-in battery"
    yield (key,), (f"{name} is {kinds} in mockcar's catalog, without {lacks}; remove {key} "
                   "or give a powertrain to override the catalog")
