"""Injected faults: rules that make matching API requests fail with a catalog error
(the control API's `/_mockcar/faults` and a scenario's `faults:`; the errors are
Smartcar's, https://smartcar.com/docs/api-reference/api-errors).

A rule matches by method, endpoint, vehicle and make (each optional) and answers a
Smartcar error every time, a number of times (`times`), with a probability, and/or only
inside a window of the World's clock. A rule is data with a `matches` and a `fires` step.

Endpoints are written as the API path below the version, with the vehicle segment
taken away: `/odometer`, `/security`, `/` (the vehicle's attributes), `/vehicles`,
`/user`. `*` in an endpoint matches any run of characters.

Windows read the World's clock (so a test that sets or advances the clock walks in and
out of them): either a time of day, every day, in UTC (`start: "10:00", end: "10:15"`;
an end before the start spans midnight), or two instants (`start: 2025-06-01T10:00Z`),
either end open. A RATE_LIMIT rule inside a window says, unless told otherwise, to
retry when the window closes (Retry-After in seconds).

Randomness is seeded from the World's seed and the rule's id, so a run that injects
faults with a probability fails the same requests every time.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from mockcar.errors import CATALOG, DomainError, SmartcarError

Moment = time | datetime
_TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


class FaultError(DomainError, ValueError):
    """A rule that cannot be added: the message says what is wrong, `field` where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def parse_moment(value: str | Moment) -> Moment:
    """`"10:00"`, `"10:00:30"` (a time of day, UTC) or an ISO 8601 instant (a naive one
    is UTC); FaultError otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    text = value.strip()
    found = _TIME_OF_DAY.fullmatch(text)
    if found:
        return time(int(found[1]), int(found[2]), int(found[3] or 0))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FaultError(f"{value!r} is neither a time of day like 10:00 nor an instant like "
                         "2025-06-01T10:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    """When a rule is active; see the module docstring."""

    start: Moment | None
    end: Moment | None

    def contains(self, now: datetime) -> bool:
        start, end = self.start, self.end
        if isinstance(start, time) or isinstance(end, time):
            of_day = now.astimezone(UTC).time().replace(tzinfo=None)
            begin = start if isinstance(start, time) else time(0)
            if not isinstance(end, time):
                return of_day >= begin
            if begin <= end:
                return begin <= of_day < end
            return of_day >= begin or of_day < end  # across midnight
        return ((not isinstance(start, datetime) or now >= start)
                and (not isinstance(end, datetime) or now < end))

    def seconds_left(self, now: datetime) -> int | None:
        """Until the window closes (rounded up), or None when it never does."""
        if self.end is None:
            return None
        if isinstance(self.end, datetime):
            return max(0, math.ceil((self.end - now).total_seconds()))
        utc = now.astimezone(UTC)
        closes = datetime.combine(utc.date(), self.end, UTC)
        if closes <= utc:
            closes += timedelta(days=1)
        return math.ceil((closes - utc).total_seconds())

    def shown(self, moment: Moment | None) -> str | None:
        if moment is None:
            return None
        if isinstance(moment, time):
            return moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Fault:
    id: str
    type: str
    code: str | None
    method: str | None = None
    endpoint: str | None = None
    vehicle_id: str | None = None
    times: int | None = None  # how many requests it fails in all; None: no limit
    probability: float = 1.0
    message: str | None = None
    retry_after: int | None = None
    make: str | None = None  # upper-case
    window: Window | None = None
    hits: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _random: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, endpoint: str, vehicle_id: str | None,
                make: str | None = None, now: datetime | None = None) -> bool:
        return (
            not self.exhausted
            and (self.method is None or self.method == method)
            and (self.vehicle_id is None or self.vehicle_id == vehicle_id)
            and (self.make is None or (make is not None and self.make == make.upper()))
            and (self._pattern is None or self._pattern.fullmatch(endpoint) is not None)
            and (self.window is None or self.window.contains(now or datetime.now(UTC)))
        )

    def fires(self) -> bool:
        return self.probability >= 1.0 or self._random.random() < self.probability

    def error(self, now: datetime | None = None) -> SmartcarError:
        message = self.message or f"Injected by mockcar fault rule {self.id}."
        retry_after = self.retry_after
        if retry_after is None and self.type == "RATE_LIMIT" and self.window is not None:
            retry_after = self.window.seconds_left(now or datetime.now(UTC))
        return SmartcarError(self.type, self.code, message=message, retry_after=retry_after)


def normalize_endpoint(endpoint: str) -> str:
    return "/" + endpoint.strip().strip("/")


class Faults:
    """The rules of one World, checked in the order they were added; the first that
    matches and fires answers the request.

    A World binds its rules to itself (`bind`): the make of a request's vehicle and the
    clock's time are then found when a rule needs them, so callers pass only what the
    request names.

    A request checks only the rules not yet used up (`times`): a long-running server whose
    tests each add a one-shot rule lists every rule but does not check them all on every
    request."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._next = 1
        # The rules a request checks, and what they were picked from: (generation,
        # count); adding or removing through this class moves the generation.
        self._live: list[Fault] = []
        self._live_of = (0, 0)
        self._generation = 0
        self._make_of: Callable[[str], str | None] | None = None
        self._now: Callable[[], datetime] | None = None

    def bind(self, make_of: Callable[[str], str | None], now: Callable[[], datetime]) -> None:
        self._make_of, self._now = make_of, now

    def __iter__(self) -> Iterator[Fault]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def armed(self) -> bool:
        """Whether a rule can still fire: a World whose rules are all used up answers,
        and changes, as one without rules (a long-running server whose tests each added
        a one-shot rule keeps its fast reads)."""
        return bool(self._checked())

    def add(
        self, type: str, code: str | None = None, *, seed: int = 0, method: str | None = None,
        endpoint: str | None = None, vehicle_id: str | None = None, times: int | None = None,
        probability: float = 1.0, message: str | None = None, retry_after: int | None = None,
        make: str | None = None, start: str | Moment | None = None,
        end: str | Moment | None = None,
    ) -> Fault:
        if (type, code) not in CATALOG:
            codes = sorted(str(c) for t, c in CATALOG if t == type)
            hint = (f"codes of {type}: {', '.join(codes)}" if codes
                    else "types: " + ", ".join(sorted({t for t, _ in CATALOG})))
            raise FaultError(f"no Smartcar error {type}:{code} in the catalog; {hint}",
                             "code" if codes else "type")
        if times is not None and times < 1:
            raise FaultError("times must be at least 1 (leave it out for no limit)", "times")
        if not 0.0 < probability <= 1.0:
            raise FaultError("probability must be above 0 and at most 1", "probability")
        if retry_after is not None and retry_after < 0:
            raise FaultError("retry_after must be a number of seconds, 0 or more", "retry_after")
        if make is not None and not make.strip():
            raise FaultError("make must not be empty (leave it out for every make)", "make")
        window = _window(start, end)
        rule_id = f"fault-{self._next}"
        self._next += 1
        pattern = None
        if endpoint is not None:
            endpoint = normalize_endpoint(endpoint)
            pattern = re.compile(".*".join(re.escape(p) for p in endpoint.split("*")))
        rule = Fault(
            id=rule_id, type=type, code=code, method=method.upper() if method else None,
            endpoint=endpoint, vehicle_id=vehicle_id, times=times, probability=probability,
            message=message, retry_after=retry_after,
            make=make.strip().upper() if make else None, window=window, _pattern=pattern,
            _random=random.Random(f"{seed}:{rule_id}"),
        )
        self._rules.append(rule)
        self._generation += 1
        return rule

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        self._generation += 1
        return len(self._rules) < before

    def clear(self) -> None:
        self._rules.clear()
        self._generation += 1

    def restore(self, rules: list[Fault], next_id: int) -> None:
        """The rules a snapshot held (mockcar.state), counters and all; the next rule
        added is `fault-{next_id}`."""
        self._rules = list(rules)
        self._next = next_id
        self._generation += 1

    @property
    def next_id(self) -> int:
        return self._next

    @staticmethod
    def pattern(endpoint: str | None) -> re.Pattern[str] | None:
        """What a rule's `endpoint` matches, `*` any run of characters."""
        if endpoint is None:
            return None
        return re.compile(".*".join(re.escape(p) for p in endpoint.split("*")))

    def _checked(self) -> list[Fault]:
        """The rules not used up, in the order they were added."""
        of = (self._generation, len(self._rules))
        if of != self._live_of:
            self._live = [r for r in self._rules if not r.exhausted]
            self._live_of = of
        return self._live

    def trip(self, method: str, endpoint: str, vehicle_id: str | None, *,
             make: str | None = None, now: datetime | None = None) -> SmartcarError | None:
        """The error for this request if a rule fires, counting the hit; else None.
        `make` and `now` default to what the bound World says."""
        rules = self._checked()
        if not rules:
            return None
        if now is None and self._now is not None:
            now = self._now()
        looked_up = False
        for rule in rules:
            if rule.make is not None and make is None and not looked_up:
                looked_up = True  # only rules by make pay for the vehicle lookup
                if vehicle_id is not None and self._make_of is not None:
                    make = self._make_of(vehicle_id)
            if rule.matches(method, endpoint, vehicle_id, make, now) and rule.fires():
                rule.hits += 1
                if rule.exhausted:
                    rules.remove(rule)
                return rule.error(now)
        return None


def _window(start: str | Moment | None, end: str | Moment | None) -> Window | None:
    if start is None and end is None:
        return None
    begin = _moment(start, "start")
    finish = _moment(end, "end")
    kinds = {isinstance(m, datetime) for m in (begin, finish) if m is not None}
    if len(kinds) > 1:
        raise FaultError("start and end must both be times of day (10:00) or both instants "
                         "(2025-06-01T10:00:00Z)", "end")
    if isinstance(begin, datetime) and isinstance(finish, datetime) and finish <= begin:
        raise FaultError("end must be after start", "end")
    if isinstance(begin, time) and begin == finish:
        raise FaultError("start and end are the same time of day; the window would be empty",
                         "end")
    return Window(begin, finish)


def _moment(value: str | Moment | None, name: str) -> Moment | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except FaultError as bad:
        raise FaultError(f"{name}: {bad}", name) from None
