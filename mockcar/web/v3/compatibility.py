"""API v3's compatibility data: `GET /v3/compatible-vehicles`, the makes and models
Smartcar supports with the signals and commands each supports, filtered by `region`
(US, CA, EUROPE), `make` and `powertrainType`.

Smartcar recommends it over the deprecated Compatibility by VIN
(https://smartcar.com/docs/api-reference/compatibility/by-vin) and serves it at
compatibility.api.smartcar.com/v3/compatible-vehicles; its reference page is not in
mockcar's sources, so the shape follows what public clients of it read: `data[]` of
`compatible-vehicle` resources with `attributes{make, model, region, powertrainType,
years{start, end}, capabilities[{capability, code, type: signal|command}]}` and
`links.next` for the next page (null: one page here). It answers without credentials, as
those clients call it. Every row comes from the same capability table as the v2 matrix
(mockcar.domain.vehicles.compatibility), per model line.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.signals.catalog import CATALOG
from mockcar.domain.vehicles import charge_schedules, compatibility
from mockcar.domain.vehicles.compatibility import VehicleCatalog
from mockcar.errors import SmartcarError
from mockcar.web.v3.commands import COMMANDS

PATH = "/v3/compatible-vehicles"


def _choice(request: Request, name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    found = {c.upper(): c for c in choices}.get(raw.upper())
    if found is None:
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message=f"'{name}' must be one of {', '.join(choices)}; got {raw[:20]!r}.",
            detail=[{"field": [name], "message": f"must be one of {', '.join(choices)}"}])
    return found


def _capabilities(endpoints: set[tuple[str, str]], make: str, powertrain: str
                  ) -> list[dict[str, Any]]:
    paths = {path for method, path in endpoints if method == "GET"}
    found: list[dict[str, Any]] = []
    for spec in CATALOG:
        if spec.capability is None or spec.capability in paths:
            found.append({"capability": f"{spec.group}-{spec.name}".lower(), "code": spec.name,
                          "type": "signal"})
    for command in COMMANDS:
        target = command.target
        if (target.method, target.path) in endpoints:
            found.append({"capability": command.command_type,
                          "code": command.command_type, "type": "command"})
    if powertrain in ("BEV", "PHEV"):
        for kind in sorted(charge_schedules.BY_MAKE.get(make, ())):
            found.append({"capability": f"charge-schedule-{kind}",
                          "code": f"charge-schedule-{kind}", "type": "command"})
    return found


async def list_compatible_vehicles(request: Request) -> Response:
    catalog: VehicleCatalog = request.app.state.vehicle_catalog
    region = _choice(request, "region", compatibility.REGIONS)
    powertrain = _choice(request, "powertrainType", compatibility.POWERTRAINS)
    makes = {m.strip().upper() for m in request.query_params.get("make", "").split(",")
             if m.strip()}
    data = []
    for line in catalog.models:
        if (makes and line.make not in makes) or (powertrain and line.powertrain != powertrain):
            continue
        for place in [region] if region else list(compatibility.REGIONS):
            endpoints = {(e.method, e.path) for e in compatibility.supported(line, place)}
            if not endpoints:
                continue
            data.append({
                "id": f"{line.make}-{line.model}-{place}-{line.powertrain}".lower().replace(
                    " ", "-"),
                "type": "compatible-vehicle",
                "attributes": {
                    "make": line.make, "model": line.model, "region": place,
                    "powertrainType": line.powertrain,
                    "years": {"start": line.years[0], "end": line.years[1]},
                    "capabilities": _capabilities(endpoints, line.make, line.powertrain),
                },
            })
    return JSONResponse({"data": data, "meta": {"totalCount": len(data)},
                         "links": {"self": str(request.url.path) + (
                             f"?{request.url.query}" if request.url.query else ""),
                             "next": None}})
