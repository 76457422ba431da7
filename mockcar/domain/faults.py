"""Injected faults: rules that make matching API requests fail with a catalog error
(issue 5, control API "faults"; reference: smartcar-v2.md §4.3 for the errors).

A rule matches by method, endpoint and vehicle (each optional) and answers a Smartcar
error, every time, a number of times, or with a probability. The model is deliberately
open: a rule is data with a `matches` and a `fires` step, so richer conditions (latency,
time windows, sequences) can be added as fields without changing how rules are checked.

Endpoints are written as the API path below the version, with the vehicle segment
taken away: `/odometer`, `/security`, `/` (the vehicle's attributes), `/vehicles`,
`/user`. `*` in an endpoint matches any run of characters.

Randomness is seeded from the World's seed and the rule's id, so a run that injects
faults with a probability fails the same requests every time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from mockcar.errors import CATALOG, SmartcarError


class FaultError(ValueError):
    """A rule that cannot be added: the message says which field is wrong."""


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
    hits: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _random: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, endpoint: str, vehicle_id: str | None) -> bool:
        return (
            not self.exhausted
            and (self.method is None or self.method == method)
            and (self.vehicle_id is None or self.vehicle_id == vehicle_id)
            and (self._pattern is None or self._pattern.fullmatch(endpoint) is not None)
        )

    def fires(self) -> bool:
        return self.probability >= 1.0 or self._random.random() < self.probability

    def error(self) -> SmartcarError:
        message = self.message or f"Injected by mockcar fault rule {self.id}."
        return SmartcarError(self.type, self.code, message=message,
                             retry_after=self.retry_after)


def normalize_endpoint(endpoint: str) -> str:
    return "/" + endpoint.strip().strip("/")


class Faults:
    """The rules of one World, checked in the order they were added; the first that
    matches and fires answers the request."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._next = 1

    def __iter__(self) -> Iterator[Fault]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def add(
        self, type: str, code: str | None = None, *, seed: int = 0, method: str | None = None,
        endpoint: str | None = None, vehicle_id: str | None = None, times: int | None = None,
        probability: float = 1.0, message: str | None = None, retry_after: int | None = None,
    ) -> Fault:
        if (type, code) not in CATALOG:
            codes = sorted(str(c) for t, c in CATALOG if t == type)
            hint = (f"codes of {type}: {', '.join(codes)}" if codes
                    else "types: " + ", ".join(sorted({t for t, _ in CATALOG})))
            raise FaultError(f"no Smartcar error {type}:{code} in the catalog; {hint}")
        if times is not None and times < 1:
            raise FaultError("times must be at least 1 (leave it out for no limit)")
        if not 0.0 < probability <= 1.0:
            raise FaultError("probability must be above 0 and at most 1")
        if retry_after is not None and retry_after < 0:
            raise FaultError("retry_after must be a number of seconds, 0 or more")
        rule_id = f"fault-{self._next}"
        self._next += 1
        pattern = None
        if endpoint is not None:
            endpoint = normalize_endpoint(endpoint)
            pattern = re.compile(".*".join(re.escape(p) for p in endpoint.split("*")))
        rule = Fault(
            id=rule_id, type=type, code=code, method=method.upper() if method else None,
            endpoint=endpoint, vehicle_id=vehicle_id, times=times, probability=probability,
            message=message, retry_after=retry_after, _pattern=pattern,
            _random=random.Random(f"{seed}:{rule_id}"),
        )
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) < before

    def clear(self) -> None:
        self._rules.clear()

    def trip(self, method: str, endpoint: str, vehicle_id: str | None) -> SmartcarError | None:
        """The error for this request if a rule fires, counting the hit; else None."""
        if not self._rules:
            return None
        for rule in self._rules:
            if rule.matches(method, endpoint, vehicle_id) and rule.fires():
                rule.hits += 1
                return rule.error()
        return None
