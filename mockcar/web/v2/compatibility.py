"""Compatibility API v2.0 (https://smartcar.com/docs/api-reference/compatibility/by-vin,
https://smartcar.com/docs/api-reference/compatibility/by-region-and-make):
`GET /v{version}/compatibility` by VIN, scope and country, and
`GET /v{version}/compatibility/matrix`, both with HTTP
Basic client authentication. Parameters are checked here; the answers are the domain's
(mockcar.domain.vehicles.compatibility). `/v1.0/compatibility` answers v1.0's `{"compatible"}`.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.vehicles import compatibility
from mockcar.domain.vehicles.compatibility import LEVEL_POWERTRAINS, VehicleCatalog
from mockcar.domain.world.scopes import PERMISSIONS, REQUIRED_PREFIX
from mockcar.domain.world.world import Mode
from mockcar.errors import SmartcarError
from mockcar.web.v2 import credentials
from mockcar.web.v2 import platform_responses as wire_platform

PATH = "/v{version}/compatibility"
# Like scenario VINs: 17 letters and digits, the I/O/Q rule not enforced (Smartcar's own
# test VINs, 0SCAUDI0155C49A95, break it).
VIN = re.compile(r"[A-Z0-9]{17}")


def _catalog(request: Request) -> VehicleCatalog:
    found: VehicleCatalog = request.app.state.vehicle_catalog
    return found


def _invalid(name: str, problem: str, message: str, code: str | None = None) -> SmartcarError:
    return SmartcarError("VALIDATION", code, message=message,
                         detail=[{"field": [name], "message": problem}])


def _required(request: Request, name: str, example: str) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise _invalid(name, f"\"{name}\" is required",
                       f"The query needs '{name}' (e.g. {name}={example}).")
    return value


def _one_of(request: Request, name: str, choices: tuple[str, ...],
            required: bool = False) -> str | None:
    """The parameter in its canonical spelling (case-insensitive), None when absent."""
    raw = (_required(request, name, choices[0]) if required
           else request.query_params.get(name, "").strip())
    if not raw:
        return None
    canonical = {c.upper(): c for c in choices}.get(raw.upper())
    if canonical is None:
        raise _invalid(name, f"must be one of {', '.join(choices)}",
                       f"'{name}' must be one of {', '.join(choices)}; got {raw[:20]!r}.",
                       "PARAMETER")
    return canonical


def _scope(request: Request, required: bool) -> tuple[str, ...]:
    raw = (_required(request, "scope", "read_odometer%20read_vin") if required
           else request.query_params.get("scope", ""))
    permissions = tuple(p.removeprefix(REQUIRED_PREFIX) for p in raw.split())
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise _invalid("scope", "contains unknown permissions",
                       f"Unknown permission(s) in 'scope': {', '.join(unknown[:5])}.",
                       "PARAMETER")
    return permissions


async def get_compatibility(request: Request) -> Response:
    """Compatibility by VIN. Checks credentials first, then `vin`, `scope`, `country`, `mode` and
    `test_mode_compatibility_level`; `flags` is accepted and ignored."""
    world, _ = credentials.basic_client(request)
    catalog = _catalog(request)
    vin = _required(request, "vin", "5YJ3E1EA0NF123456").upper()
    if not VIN.fullmatch(vin):
        raise _invalid("vin", "must be 17 letters and digits",
                       f"{vin[:20]!r} is not a VIN.", "PARAMETER")
    permissions = _scope(request, required=True)
    country = request.query_params.get("country", "").strip().upper() or "US"
    if country not in catalog.countries:
        raise _invalid("country", "must be an ISO 3166-1 alpha-2 code",
                       f"'country' must be an ISO 3166-1 alpha-2 code like US or DE; got "
                       f"{country[:20]!r}.", "PARAMETER")
    _one_of(request, "mode", Mode.ALL)
    level = _one_of(request, "test_mode_compatibility_level", tuple(LEVEL_POWERTRAINS))
    answer = compatibility.check_vin(world, catalog, vin, permissions, country, level)
    if request.path_params.get("version") == "1.0":
        return JSONResponse({"compatible": answer.compatible})
    return JSONResponse(wire_platform.compatibility(
        answer.compatible, answer.reason,
        [wire_platform.capability(c.permission, c.endpoint, c.reason)
         for c in answer.capabilities],
    ))


async def get_compatibility_matrix(request: Request) -> Response:
    """The matrix: `region` is required; `make` (space-separated), `type` and `scope`
    narrow the answer."""
    credentials.basic_client(request)
    region = _one_of(request, "region", compatibility.REGIONS, required=True)
    assert region is not None
    makes = request.query_params.get("make", "").split() or None
    powertrain = _one_of(request, "type", compatibility.POWERTRAINS)
    _one_of(request, "mode", Mode.ALL)
    found = compatibility.matrix(_catalog(request), region, makes, powertrain,
                                 _scope(request, required=False))
    body: dict[str, Any] = {
        make: [wire_platform.matrix_model(m.model, m.years, m.powertrain, m.features,
                                          m.permissions) for m in models]
        for make, models in found.items()
    }
    return JSONResponse(body)


routes: list[BaseRoute] = [
    Route(PATH, get_compatibility, methods=["GET"], name="get_compatibility"),
    Route(PATH + "/", get_compatibility, methods=["GET"], name="get_compatibility_slash"),
    Route(PATH + "/matrix", get_compatibility_matrix, methods=["GET"],
          name="get_compatibility_matrix"),
    Route(PATH + "/matrix/", get_compatibility_matrix, methods=["GET"],
          name="get_compatibility_matrix_slash"),
]
