"""Folding many cycles of a repeating timeline at once: the battery after n days of the
same routine, in closed form (DESIGN principle 2: "advance a year" costs what "advance
an hour" does).

One cycle is a sequence of steps on the battery level y (a fraction of capacity):

* `Drain(amount, spill)`: driving uses `amount`; an empty battery clamps at 0 and the
  shortfall, times `spill`, is burnt as fuel (a PHEV's engine takes over; 0 on a BEV);
* `Charge(center, factor, limit)`: y ↦ center + (y − center)·factor, stopping at the
  limit (mockcar.domain.vehicles.charge_curve); a level already above the limit stays.

Each step is monotone, piecewise affine and 1-Lipschitz, so one cycle g is too, and the
levels at the start of successive cycles, y, g(y), g(g(y)), ..., move monotonically.
Inside one affine piece of g (y ↦ A·y + B on [lo, hi]) k cycles are a geometric series:
y_k = p + (y − p)·A^k with p = B / (1 − A) (y + k·B when A = 1). `iterate` jumps through
a piece in one go, to where the sequence leaves it or to n; a monotone sequence never
comes back to a piece it left, so the work is bounded by the number of pieces (a few per
step), whatever n is. The fuel burnt per cycle is affine in y on the same piece, so its
sum over k cycles is closed-form too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf
FIXED = 1e-12  # closer than this to its image, a level is the routine's fixed point


@dataclass(frozen=True)
class Drain:
    amount: float  # battery fraction the drive uses
    spill: float  # fuel (tank fraction) per battery fraction the battery could not give


@dataclass(frozen=True)
class Charge:
    center: float
    factor: float  # 0 < factor < 1
    limit: float


Step = Drain | Charge


def run(steps: tuple[Step, ...] | list[Step], y: float) -> tuple[float, float]:
    """One cycle from level y, step by step: (level after, fuel burnt)."""
    fuel = 0.0
    for step in steps:
        if isinstance(step, Drain):
            if y >= step.amount:
                y -= step.amount
            else:
                fuel += (step.amount - y) * step.spill
                y = 0.0
        elif y < step.limit:
            y = min(step.limit, step.center + (y - step.center) * step.factor)
    return y, fuel


@dataclass(frozen=True)
class Piece:
    """g(y) = a_y·y + b_y and fuel(y) = a_f·y + b_f for y in [lo, hi]."""

    a_y: float
    b_y: float
    a_f: float
    b_f: float
    lo: float
    hi: float


def piece(steps: tuple[Step, ...] | list[Step], y0: float) -> Piece:
    """The affine piece of one cycle that holds y0: compose the steps' regimes at y0,
    narrowing [lo, hi] to where every step stays in the regime it is in at y0."""
    a, b, fa, fb, lo, hi = 1.0, 0.0, 0.0, 0.0, -INF, INF
    y = y0

    def keep(r_lo: float, r_hi: float) -> tuple[float, float]:
        # The step's regime holds for y in [r_lo, r_hi]; y = a·y0 + b, so for y0 in:
        if a <= 0:
            return lo, hi  # y is constant on this piece: no constraint on y0
        return max(lo, (r_lo - b) / a), min(hi, (r_hi - b) / a)

    for step in steps:
        if isinstance(step, Drain):
            if y >= step.amount:
                lo, hi = keep(step.amount, INF)
                b -= step.amount
                y -= step.amount
            else:
                lo, hi = keep(-INF, step.amount)
                fa -= step.spill * a
                fb += step.spill * (step.amount - b)
                a, b, y = 0.0, 0.0, 0.0
        elif y >= step.limit:
            lo, hi = keep(step.limit, INF)
        else:
            full_from = step.center + (step.limit - step.center) / step.factor
            if y >= full_from:
                lo, hi = keep(full_from, step.limit)
                a, b, y = 0.0, step.limit, step.limit
            else:
                lo, hi = keep(-INF, full_from)
                a *= step.factor
                b = step.center + (b - step.center) * step.factor
                y = step.center + (y - step.center) * step.factor
    return Piece(a, b, fa, fb, lo, hi)


def iterate(steps: tuple[Step, ...] | list[Step], y: float, cycles: int) -> tuple[float, float]:
    """`cycles` cycles from level y: (level after, total fuel burnt), in time bounded
    by the number of pieces, not by `cycles`."""
    fuel = 0.0
    rounds = 4 * len(steps) + 8  # more than the pieces of g; see the module docstring
    while cycles > 0 and rounds > 0:
        rounds -= 1
        p = piece(steps, y)
        after = p.a_y * y + p.b_y
        if abs(after - y) <= FIXED:
            return y, fuel + cycles * (p.a_f * y + p.b_f)
        if p.a_y <= 0:  # constant on this piece: one cycle lands on its value
            fuel += p.a_f * y + p.b_f
            y, cycles = after, cycles - 1
            continue
        k = min(cycles, _cycles_inside(p, y))
        fuel += p.a_f * _sum_of_levels(p, y, k) + k * p.b_f
        y, cycles = _level_after(p, y, k), cycles - k
    if cycles > 0:  # unreachable for monotone g; stay put rather than loop on
        p = piece(steps, y)
        fuel += cycles * (p.a_f * y + p.b_f)
    return y, fuel


def _cycles_inside(p: Piece, y: float) -> int:
    """How many cycles, starting at y (inside the piece), start inside it: at least 1."""
    a, b = p.a_y, p.b_y
    if a == 1.0:
        room = (p.hi - y) / b if b > 0 else (y - p.lo) / -b
    else:
        fixed = b / (1 - a)
        if p.lo <= fixed <= p.hi:
            return 2**62  # converges inside the piece: never leaves
        bound = p.hi if fixed > p.hi else p.lo
        ratio = (bound - fixed) / (y - fixed)  # in (0, 1]: how much of the gap may close
        room = math.log(ratio) / math.log(a) if ratio > 0 else 0.0
    if math.isinf(room) or room > 2**62:
        return 2**62
    return max(1, math.floor(room) + 1)


def _level_after(p: Piece, y: float, k: int) -> float:
    a, b = p.a_y, p.b_y
    if a == 1.0:
        return y + k * b
    fixed = b / (1 - a)
    return fixed + (y - fixed) * a**k


def _sum_of_levels(p: Piece, y: float, k: int) -> float:
    """y_0 + ... + y_(k-1)."""
    a, b = p.a_y, p.b_y
    if a == 1.0:
        return k * y + b * k * (k - 1) / 2
    fixed = b / (1 - a)
    return k * fixed + (y - fixed) * (1 - a**k) / (1 - a)
