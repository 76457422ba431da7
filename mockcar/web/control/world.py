"""Control API operations on one World: its state, clock, vehicles, faults and request
journal. Each is served for the scenario World at `/_mockcar/…` and for an
application's World at `/_mockcar/applications/{client_id}/…`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mockcar.domain.journal.journal import Journal, Match
from mockcar.domain.vehicles import overrides
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world import clock, vehicle_listing
from mockcar.domain.world.faults import FaultError
from mockcar.domain.world.rate_limits import RateLimitSettings
from mockcar.web.control import responses as wire
from mockcar.web.control import schemas as s
from mockcar.web.control.operations import Context, Operation, Target, invalid, not_found
from mockcar.web.control.vehicle_creation import create_vehicle

W = Target.WORLD


async def get_state(ctx: Context) -> dict[str, Any]:
    return wire.state(ctx.target_world)


# -- clock ------------------------------------------------------------------------------


async def get_clock(ctx: Context) -> dict[str, Any]:
    return wire.clock(ctx.target_world.clock)


async def freeze_clock(ctx: Context) -> dict[str, Any]:
    at = _in_range(ctx, "at")
    ctx.done()
    ctx.target_world.clock.freeze(at)
    return wire.clock(ctx.target_world.clock)


async def unfreeze_clock(ctx: Context) -> dict[str, Any]:
    ctx.target_world.clock.unfreeze()
    return wire.clock(ctx.target_world.clock)


async def set_clock(ctx: Context) -> dict[str, Any]:
    at = _in_range(ctx, "at", required=True)
    ctx.done()
    assert at is not None
    ctx.target_world.clock.set(at)
    return wire.clock(ctx.target_world.clock)


async def advance_clock(ctx: Context) -> dict[str, Any]:
    # Each part is bounded on its own first, so their sum is a finite number of seconds
    # a timedelta can hold whatever the client sent (6.5e175 hours is refused here).
    limit = clock.MAX_ADVANCE.total_seconds()
    parts = {unit: ctx.number(unit, low=0, high=limit / seconds)
             for unit, seconds in ADVANCE_UNITS.items()}
    ctx.done()
    total = sum(value * ADVANCE_UNITS[unit] for unit, value in parts.items() if value)
    if total > limit:
        raise invalid(f"The advance adds up to {total / 86400:g} days; "
                      f"{clock.ADVANCE_RANGE}.", [f"advance: {clock.ADVANCE_RANGE}"])
    try:
        ctx.target_world.clock.advance(timedelta(seconds=total))
    except clock.ClockRangeError as bad:
        raise invalid(f"Cannot advance: {bad}.", [f"advance: {bad}"]) from None
    return wire.clock(ctx.target_world.clock)


ADVANCE_UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


def _in_range(ctx: Context, name: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 instant within the clock's years (mockcar.domain.world.clock.RANGE)."""
    at = ctx.moment(name, required=required)
    if at is None:
        return None
    try:
        return clock.checked(at)
    except clock.ClockRangeError:
        ctx.problems.append(f"{name}: {clock.RANGE}; got {at.isoformat()}")
        return None


async def set_clock_speed(ctx: Context) -> dict[str, Any]:
    speed = ctx.number("speed", required=True)
    ctx.done()
    assert speed is not None
    try:
        ctx.target_world.clock.set_speed(speed)
    except ValueError as bad:
        raise invalid(str(bad), [f"speed: {bad}"]) from None
    return wire.clock(ctx.target_world.clock)


# -- vehicles ---------------------------------------------------------------------------


def _shown(ctx: Context, vehicle: Vehicle) -> dict[str, Any]:
    """The vehicle as it reads now (a vehicle with a timeline moves with the clock)."""
    world = ctx.target_world
    return wire.vehicle(vehicle.at(world.now()), world.owner_of(vehicle.id))


PAGE_SIZE = 50
_FILTERS = ("q", "make", "model", "powertrain", "region", "year", "owner")


async def list_vehicles(ctx: Context) -> dict[str, Any]:
    """Every vehicle; with any paging or filter parameter, one page of the matching
    ones and their `total` (mockcar.domain.world.vehicle_listing: fast on a large fleet)."""
    params = ctx.request.query_params
    world = ctx.target_world
    if not any(name in params for name in (*_FILTERS, "offset", "limit")):
        return {"vehicles": [_shown(ctx, v) for v in world.vehicles.values()]}
    problems: list[str] = []

    def whole(name: str, default: int | None, low: int, high: int) -> int | None:
        raw = params.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            problems.append(f"{name}: must be a whole number from {low} to {high}")
            return default
        return int(raw)

    offset = whole("offset", 0, 0, 10**9) or 0
    limit = whole("limit", PAGE_SIZE, 1, vehicle_listing.MAX_LIMIT) or PAGE_SIZE
    year = whole("year", None, 1900, 2100)
    if problems:
        raise invalid("The vehicle listing's parameters have problems; see `problems`.",
                      problems)
    query = vehicle_listing.VehicleQuery(
        text=params.get("q", ""), make=params.get("make") or None,
        model=params.get("model") or None, powertrain=params.get("powertrain") or None,
        region=params.get("region") or None, year=year, owner=params.get("owner") or None)
    found = vehicle_listing.find(world, query, offset, limit)
    now = world.now()
    shown = [wire.vehicle(vehicle.at(now), world.owner_of(vehicle.id))
             for vehicle_id in found.ids
             if (vehicle := vehicle_listing.peek(world, vehicle_id)) is not None]
    return {"vehicles": shown, "total": found.total, "offset": offset, "limit": limit}


async def get_vehicle(ctx: Context) -> dict[str, Any]:
    return _shown(ctx, ctx.path_vehicle())


async def set_vehicle_state(ctx: Context) -> dict[str, Any]:
    vehicle = ctx.path_vehicle()
    try:
        overrides.apply(vehicle, ctx.body, ctx.target_world.now())
    except overrides.OverrideError as bad:
        raise invalid("The state cannot be set; nothing was changed. See `problems`.",
                      [f"{k}: {v}" for k, v in bad.problems.items()]) from None
    return _shown(ctx, vehicle)


# -- faults -----------------------------------------------------------------------------


async def list_faults(ctx: Context) -> dict[str, Any]:
    return {"faults": [wire.fault(f) for f in ctx.target_world.faults]}


async def add_fault(ctx: Context) -> dict[str, Any]:
    error_type = ctx.text("type", required=True)
    code = ctx.text("code")
    method, endpoint, vehicle_id = ctx.text("method"), ctx.text("endpoint"), ctx.text("vehicle_id")
    make, start, end = ctx.text("make"), ctx.text("start"), ctx.text("end")
    times = ctx.number("times", low=1, integer=True)
    probability = ctx.number("probability")
    message = ctx.text("message")
    retry_after = ctx.number("retry_after", low=0, integer=True)
    ctx.done()
    assert error_type is not None
    world = ctx.target_world
    try:
        rule = world.faults.add(
            error_type.upper(), code.upper() if code else None, seed=world.seed, method=method,
            endpoint=endpoint, vehicle_id=vehicle_id,
            times=int(times) if times is not None else None,
            probability=1.0 if probability is None else probability, message=message,
            retry_after=int(retry_after) if retry_after is not None else None,
            make=make, start=start, end=end,
        )
    except FaultError as bad:
        raise invalid(*_fault_problem(bad)) from None
    return wire.fault(rule)


def _fault_problem(bad: FaultError) -> tuple[str, list[str] | None]:
    """A refused rule as the control API's message and `problems` ("probability: must
    be above 0 …"), so a form shows the problem by the field it names."""
    text = str(bad)
    if bad.field is None:
        return text, None
    for lead in (f"{bad.field}: ", f"{bad.field} "):
        if text.startswith(lead):
            text = text[len(lead):]
            break
    return "The fault rule has a problem; see `problems`.", [f"{bad.field}: {text}"]


async def clear_faults(ctx: Context) -> dict[str, Any]:
    count = len(ctx.target_world.faults)
    ctx.target_world.faults.clear()
    return {"cleared": count}


async def delete_fault(ctx: Context) -> dict[str, Any]:
    fault_id = ctx.request.path_params["fault_id"]
    if not ctx.target_world.faults.remove(fault_id):
        raise not_found(f"No fault rule {fault_id!r}; GET …/faults lists them.")
    return {"deleted": fault_id}


# -- journal ----------------------------------------------------------------------------


def match(values: Mapping[str, Any]) -> Match:
    """A journal filter from query parameters or a JSON body. `token` is an access
    token (or management token) as the caller holds it; the journal only knows its id."""
    problems: list[str] = []

    def integer(name: str) -> int | None:
        raw = values.get(name)
        if raw is None or raw == "":
            return None
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw
        if isinstance(raw, str) and raw.isdigit():
            return int(raw)
        problems.append(f"{name}: must be a whole number")
        return None

    def text(name: str) -> str | None:
        raw = values.get(name)
        if raw is None or isinstance(raw, str):
            return raw or None
        problems.append(f"{name}: must be a string")
        return None

    token, identifier = text("token"), text("token_id")
    found = Match(
        method=text("method"), path=text("path"), status=integer("status"),
        vehicle_id=text("vehicle_id"), client_id=text("client_id"), token=token,
        token_id=identifier, since=integer("since"),
    )
    if problems:
        raise invalid("The journal filter has problems; see `problems`.", problems)
    return found


async def get_journal(ctx: Context) -> dict[str, Any]:
    return journal_listing(ctx.target_journal, ctx.request.query_params)


def journal_listing(journal: Journal, query: Mapping[str, str]) -> dict[str, Any]:
    """A journal's entries as `GET …/journal` lists them: filtered, the newest `limit`."""
    limit = query.get("limit")
    if limit is not None and not limit.isdigit():
        raise invalid("limit must be a whole number.", ["limit: must be a whole number"])
    found = journal.entries(match(query), int(limit) if limit is not None else None)
    return wire.journal(found, journal)


async def count_journal(ctx: Context) -> dict[str, Any]:
    return {"count": ctx.target_journal.count(match(ctx.request.query_params))}


async def verify_journal(ctx: Context) -> dict[str, Any]:
    """Whether the matching requests number `times` exactly (or at least / at most);
    with none of the three, at least one."""
    bounds = {name: ctx.number(name, low=0, integer=True)
              for name in ("times", "at_least", "at_most")}
    ctx.done()
    times, at_least, at_most = (int(v) if v is not None else None for v in bounds.values())
    if times is not None and (at_least is not None or at_most is not None):
        raise invalid("Give times, or at_least and/or at_most, not both.")
    filters = {k: v for k, v in ctx.body.items() if k in s.MATCH_FIELDS}
    count = ctx.target_journal.count(match(filters))
    if times is not None:
        verified, expected = count == times, f"exactly {times}"
    elif at_least is None and at_most is None:
        verified, expected = count >= 1, "at least 1"
    else:
        low, high = at_least or 0, at_most
        verified = count >= low and (high is None or count <= high)
        expected = " and ".join(
            part for part in (f"at least {at_least}" if at_least is not None else "",
                              f"at most {at_most}" if at_most is not None else "") if part)
    described = ", ".join(f"{k}={v}" for k, v in filters.items() if k != "token") or "any"
    return {"verified": verified, "count": count, "expected": expected,
            "message": f"{count} request(s) matched ({described}); expected {expected}."}


async def clear_journal(ctx: Context) -> dict[str, Any]:
    count = len(ctx.target_journal)
    ctx.target_journal.clear()
    return {"cleared": count}


async def get_rate_limits(ctx: Context) -> dict[str, Any]:
    return ctx.target_world.rate_limits.settings.describe()


async def set_rate_limits(ctx: Context) -> dict[str, Any]:
    """Turn Smartcar's rate limits on or off (mockcar.domain.world.rate_limits); the
    buckets start full."""
    limits = ctx.target_world.rate_limits
    current = limits.settings
    enabled = ctx.flag("enabled", current.enabled)
    numbers = {name: ctx.number(name, low=0 if "minute" in name else 1, high=1_000_000,
                                integer="capacity" in name)
               for name in ("application_capacity", "application_per_minute",
                            "vehicle_capacity", "vehicle_per_minute")}
    ctx.done()
    limits.configure(RateLimitSettings(
        enabled=enabled,
        application_capacity=int(numbers["application_capacity"] or current.application_capacity),
        application_per_minute=(current.application_per_minute
                                if numbers["application_per_minute"] is None
                                else numbers["application_per_minute"]),
        vehicle_capacity=int(numbers["vehicle_capacity"] or current.vehicle_capacity),
        vehicle_per_minute=(current.vehicle_per_minute if numbers["vehicle_per_minute"] is None
                            else numbers["vehicle_per_minute"])))
    return limits.settings.describe()


JOURNAL_QUERY = (
    ("method", s.STRING, "HTTP method"),
    ("path", s.STRING, "path pattern: * matches anything, {name} one segment"),
    ("status", s.COUNT_NUMBER, "response status"),
    ("vehicle_id", s.STRING, "vehicle id in the path"),
    ("client_id", s.STRING, "application"),
    ("token", s.STRING, "an access or management token, as you hold it"),
    ("token_id", s.STRING, "a token id as the journal shows it"),
    ("since", s.COUNT_NUMBER, "only entries with a larger seq"),
)

_VEHICLE_QUERY = (
    ("q", s.STRING, ("search: a vehicle id, VIN or owner email, or words of the make (as "
     "written: mercedes), model, powertrain, region; a four-digit word is the year")),
    ("make", s.STRING, "make id: FORD, MERCEDES_BENZ"),
    ("model", s.STRING, "model, any case"),
    ("powertrain", s.STRING, "BEV, PHEV, HEV or ICE"),
    ("region", s.STRING, "US, CA or EUROPE"),
    ("year", s.COUNT_NUMBER, "model year"),
    ("owner", s.STRING, "the owner's email"),
    ("offset", s.COUNT_NUMBER, "skip this many matching vehicles (default 0)"),
    ("limit", s.COUNT_NUMBER, (f"at most this many, 1-{vehicle_listing.MAX_LIMIT} "
     f"(default {PAGE_SIZE})")),
)

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/state", get_state, "The whole World as its clock reads now", W, s.STATE),
    Operation("GET", "/clock", get_clock, "The World's clock", W, s.CLOCK),
    Operation("POST", "/clock/freeze", freeze_clock, "Stop the clock (at `at`, or now)", W,
              s.CLOCK, s.AT),
    Operation("POST", "/clock/unfreeze", unfreeze_clock, "Let the clock run again", W, s.CLOCK,
              s.EMPTY),
    Operation("POST", "/clock/set", set_clock, "Set the clock to `at`", W, s.CLOCK, s.SET_AT),
    Operation("POST", "/clock/advance", advance_clock, "Move the clock forward", W, s.CLOCK,
              s.ADVANCE),
    Operation("POST", "/clock/speed", set_clock_speed,
              "World seconds per wall second from now on", W, s.CLOCK, s.SPEED),
    Operation("GET", "/vehicles", list_vehicles, "Every vehicle, with its state; with any "
              "filter or `offset`/`limit`, one page of the matching ones and their `total`",
              W, s.VEHICLES, query=_VEHICLE_QUERY),
    Operation("POST", "/vehicles", create_vehicle,
              "Add a vehicle, as a scenario or Smartcar's Vehicle Simulator would: to an "
              "owner or one with generated credentials, connected to an application "
              "(answering its tokens) or not", W, s.CREATED_VEHICLE, s.NEW_VEHICLE,
              status=201),
    Operation("GET", "/vehicles/{vehicle_id}", get_vehicle, "One vehicle (by id or VIN)", W,
              s.VEHICLE),
    Operation("POST", "/vehicles/{vehicle_id}/state", set_vehicle_state,
              "Set a vehicle's state: unplug, open a door, move, set the battery", W,
              s.VEHICLE, s.OVERRIDE),
    Operation("GET", "/faults", list_faults, "Fault rules", W, s.FAULTS),
    Operation("POST", "/faults", add_fault,
              "Make matching API requests fail (by method, endpoint, vehicle, make; always, "
              "`times` times, with a `probability`, or in a clock window `start`-`end`)", W,
              s.FAULT, s.NEW_FAULT, status=201),
    Operation("POST", "/faults/clear", clear_faults, "Remove every fault rule", W, s.CLEARED,
              s.EMPTY),
    Operation("POST", "/faults/{fault_id}/delete", delete_fault, "Remove one fault rule", W,
              s.DELETED, s.EMPTY),
    Operation("GET", "/journal", get_journal, "Recorded requests, oldest first (redacted)", W,
              s.JOURNAL, query=(*JOURNAL_QUERY,
                                ("limit", s.COUNT_NUMBER, "only the newest `limit` entries"))),
    Operation("GET", "/journal/count", count_journal, "How many recorded requests match", W,
              s.COUNT, query=JOURNAL_QUERY),
    Operation("POST", "/journal/verify", verify_journal,
              "Whether N recorded requests match", W, s.VERIFIED, s.VERIFY),
    Operation("POST", "/journal/clear", clear_journal, "Forget recorded requests", W,
              s.CLEARED, s.EMPTY),
    Operation("GET", "/rate-limits", get_rate_limits,
              "Smartcar's rate limits in this World (off unless turned on)", W, s.RATE_LIMITS),
    Operation("POST", "/rate-limits", set_rate_limits,
              "Turn the rate limits on or off, or size them (buckets start full)", W,
              s.RATE_LIMITS, s.SET_RATE_LIMITS),
)
