"""Rules over a scenario's fleets that span fields: shares that add up, a catalog that
can serve the makes, region and powertrains asked for, names and email domains used
once. Each finding names the key path to edit (mockcar.scenario.rules)."""

from __future__ import annotations

from collections.abc import Iterator

from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.errors import Loc, format_path
from mockcar.scenario.fleets.table import fleet_name, models_for
from mockcar.scenario.schema.fleet import FleetSpec, PerOwner

SHARE_TOLERANCE = 1e-6


def fleets_of(scenario_fleet: FleetSpec | None,
              fleets: list[FleetSpec]) -> list[tuple[Loc, FleetSpec]]:
    """Every fleet with its key path: `fleet` first, then `fleets[i]`."""
    located: list[tuple[Loc, FleetSpec]] = []
    if scenario_fleet is not None:
        located.append((("fleet",), scenario_fleet))
    located += [(("fleets", i), spec) for i, spec in enumerate(fleets)]
    return located


def check(located: list[tuple[Loc, FleetSpec]]) -> list[tuple[Loc, str]]:
    findings: list[tuple[Loc, str]] = []
    names: dict[str, Loc] = {}
    domains: dict[str, Loc] = {}
    for position, (loc, spec) in enumerate(located):
        findings += [((*loc, *sub), text) for sub, text in _fleet(spec)]
        name = fleet_name(spec, position)
        domain = spec.email_domain or f"{name}.fleet.example"
        for seen, value, key in ((names, name, "name"), (domains, domain, "email_domain")):
            if key == "email_domain" and spec.email_domain is None and name in names \
                    and names[name] != loc:
                continue  # the same name already said it: one mistake, one problem
            if value in seen:
                text = (f"{value!r} is already used by {format_path(seen[value])}; give each "
                        f"fleet its own {key}")
                findings.append(((*loc, key), text))
            else:
                seen[value] = loc
    return findings


def _fleet(spec: FleetSpec) -> Iterator[tuple[Loc, str]]:
    per = spec.vehicles_per_owner
    if isinstance(per, PerOwner) and per.min > per.max:
        yield ("vehicles_per_owner", "min"), f"must not be above max ({per.max}), got {per.min}"
    if spec.profiles is not None and sum(spec.profiles.values()) > 1 + SHARE_TOLERANCE:
        yield ("profiles",), (f"shares must add up to at most 1 (the rest has no timeline), "
                              f"they add up to {sum(spec.profiles.values()):g}")
    if spec.powertrains is not None:
        total = sum(spec.powertrains.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            yield ("powertrains",), (f"shares must add up to 1, they add up to {total:g} "
                                     "(write 0.6 for 60%)")
            return
    rows = models_for(spec)
    where = f"in {spec.region}"
    makes = f"of {', '.join(spec.makes)} " if spec.makes else ""
    if spec.powertrains is not None:
        for powertrain, share in spec.powertrains.items():
            if share > 0 and powertrain not in rows:
                yield ("powertrains", powertrain), (
                    f"no catalog model {makes}sold {where} is {powertrain}; "
                    f"choose from: {_offered(spec)}")
        return
    if not rows:
        yield ("makes",), f"no catalog model {makes}is sold {where}; choose from: {_offered(spec)}"


def _offered(spec: FleetSpec) -> str:
    """What the catalog has for this region, to say what could be chosen instead."""
    offered: dict[str, set[str]] = {}
    for row in catalog.MODELS:
        if spec.region in row.regions and (spec.makes is None or row.make in spec.makes):
            offered.setdefault(row.make, set()).add(row.powertrain)
    if not offered:
        return "makes sold there: " + ", ".join(sorted(
            {r.make for r in catalog.MODELS if spec.region in r.regions}))
    return "; ".join(f"{make} {'/'.join(sorted(kinds))}" for make, kinds in sorted(offered.items()))
