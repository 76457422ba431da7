"""Records of what a World's applications set up and spent: the applications (their
webhooks change at run time), application tokens, API v3 command executions, fault
rules and their counters, rate-limit buckets, webhook subscriptions and what each
webhook was told (verification, what each subscription last sent).

Each of these sections is whole: applying it replaces what the fresh World holds.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from typing import Any

from mockcar.domain.webhooks.deliveries import DeliveryPolicy, Verification, Watch
from mockcar.domain.world.executions import PENDING, Execution
from mockcar.domain.world.faults import Fault, Faults
from mockcar.domain.world.rate_limits import APPLICATION, VEHICLE, RateLimitSettings
from mockcar.domain.world.records import Application, ApplicationToken
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.state import pending
from mockcar.state.codec import RecordError, decode, decode_dataclass, encode, key_of, parse_time

Record = dict[str, Any]


# -- applications -----------------------------------------------------------------------


def application_records(world: World) -> dict[str, Record]:
    return {cid: encode(app) for cid, app in world.applications.items()}


def apply_applications(world: World, section: dict[str, Record]) -> None:
    world.applications = {cid: decode_dataclass(Application, record, f"applications/{cid}")
                          for cid, record in section.items()}


# -- application tokens -------------------------------------------------------------------


def fold_application_tokens(world: World) -> dict[Any, tuple[str, Record]]:
    return pending.fold(world, "application_tokens", world.application_tokens, key_of, encode)


def application_token_records(world: World) -> dict[str, Record]:
    return pending.ordered(world.application_tokens, fold_application_tokens(world))


def apply_application_tokens(world: World, section: dict[str, Record]) -> None:
    world.application_tokens.clear()
    tokens = [decode_dataclass(ApplicationToken, r, f"application_tokens/{k}")
              for k, r in section.items()]
    for token in tokens:  # in the order read: the store's, oldest first
        world.application_tokens[token.access_token] = token
        if world.on_token_issued is not None:
            world.on_token_issued(token)


# -- API v3 command executions --------------------------------------------------------------


def execution_record(execution: Execution) -> Record:
    record: Record = encode(replace(execution, action=None))
    del record["action"]  # code, not data (a pending one is restored without it)
    return record


def fold_executions(world: World) -> dict[Any, tuple[str, Record]]:
    def settled(execution: Execution) -> None:
        # A long-running command acts on its vehicle when it settles, without looking
        # the vehicle up (which notes it for the records): noted here, before the
        # vehicles are read.
        if execution.status != PENDING and execution.vehicle_id in world.vehicles:
            world.vehicles.touched.add(execution.vehicle_id)

    # And the cars of executions that settled and were dropped before this read (a
    # server keeps only its newest executions: mockcar.domain.world.executions).
    world.vehicles.touched.update(vehicle for vehicle in world.executions.take_settled()
                                  if vehicle in world.vehicles)
    return pending.fold(world, "executions", world.executions.by_id, _same,
                        execution_record, settled)


def _same(name: str) -> str:
    return name


def execution_records(world: World) -> dict[str, Record]:
    return pending.ordered(world.executions.by_id, fold_executions(world))


def apply_executions(world: World, section: dict[str, Record]) -> None:
    executions: list[Execution] = []
    for eid, record in section.items():
        execution = decode_dataclass(Execution, record, f"executions/{eid}")
        if execution.status == PENDING:
            # Its action was code, which a record cannot hold: when it comes due it
            # fails as a car that never answered, so the app sends the command again
            # rather than trust an effect that did not happen.
            execution.action = _unanswered
        executions.append(execution)
    world.executions.restore(executions)


def _unanswered(_: datetime) -> None:
    raise SmartcarError(
        "UPSTREAM", "NO_RESPONSE",
        message="mockcar was restored (a snapshot or a restart) while this long-running "
        "command was pending; the vehicle's answer was lost. Send the command again.")


# -- faults ----------------------------------------------------------------------------------


def fault_record(rule: Fault) -> Record:
    record: Record = encode(rule)
    if rule.probability < 1.0:
        # The draw sequence goes on where it was: the same requests fail after a restore.
        record["random"] = encode(rule._random.getstate())
    return record


def fault_records(world: World) -> dict[str, Record]:
    return {"rules": {"next": world.faults.next_id,
                      "rules": {rule.id: fault_record(rule) for rule in world.faults}}}


def apply_faults(world: World, section: dict[str, Record]) -> None:
    record = section.get("rules")
    if record is None:
        return
    rules: list[Fault] = []
    for rid, raw in dict(record.get("rules", {})).items():
        where = f"faults/{rid}"
        data = dict(raw)
        state = data.pop("random", None)
        draws = random.Random(f"{world.seed}:{rid}")
        if state is not None:
            version, internal, gauss = state
            draws.setstate((int(version), tuple(int(i) for i in internal), gauss))
        endpoint = data.get("endpoint")
        rules.append(decode_dataclass(Fault, data, where, _random=draws, _pattern=(
            Faults.pattern(endpoint) if isinstance(endpoint, str) else None)))
    world.faults.restore(rules, int(record.get("next", len(rules) + 1)))


# -- rate limits ------------------------------------------------------------------------------


def rate_limit_records(world: World) -> dict[str, Record]:
    limits = world.rate_limits
    records: dict[str, Record] = {"settings": limits.settings.describe()}
    for kind, key, tokens, at in limits.buckets():
        records[f"{kind}:{key}"] = {"tokens": tokens, "at": at.isoformat()}
    return records


def apply_rate_limits(world: World, section: dict[str, Record]) -> None:
    limits = world.rate_limits
    settings = section.get("settings")
    if settings is not None:
        limits.configure(decode_dataclass(RateLimitSettings, settings, "rate_limits/settings"))
    for key, record in section.items():
        if key == "settings":
            continue
        kind, _, name = key.partition(":")
        if kind not in (APPLICATION, VEHICLE):
            raise RecordError(f"rate_limits/{key}: unknown kind of bucket {kind!r}")
        limits.restore_bucket(kind, name, float(record["tokens"]),
                              parse_time(record["at"], f"rate_limits/{key}"))


# -- latency: which asleep vehicles a request woke, until when ---------------------------------


def latency_records(world: World) -> dict[str, Record]:
    # The jitter's random draws are left out: they change with every request, and a
    # restored World drawing them afresh is as realistic.
    return {f"awake:{vid}": {"until": until.isoformat()}
            for vid, until in world.latency.awake_until.items()}


def apply_latency(world: World, section: dict[str, Record]) -> None:
    awake: dict[str, datetime] = {}
    for key, record in section.items():
        kind, _, vid = key.partition(":")
        if kind != "awake" or not vid:
            raise RecordError(f"latency/{key}: unknown record")
        awake[vid] = parse_time(record.get("until"), f"latency/{key}")
    world.latency.restore_awake(awake)


# -- webhook subscriptions and what they were told ----------------------------------------------


def subscription_records(world: World) -> dict[str, Record]:
    return {hook: {"vehicle_ids": sorted(members)}
            for hook, members in world.subscriptions.items() if members}


def apply_subscriptions(world: World, section: dict[str, Record]) -> None:
    world.subscriptions = {hook: set(decode(list[str], r["vehicle_ids"], f"subscriptions/{hook}"))
                           for hook, r in section.items()}


def watch_record(watch: Watch) -> Record:
    record: Record = encode(replace(watch, errors={}))
    record["errors"] = [[t, c, list(v)] for (t, c), v in watch.errors.items()]
    return record


def tuples(value: Any) -> Any:
    """A watch's baseline holds signal values as nested tuples (compared with what is
    read next); JSON gives them back as lists."""
    if isinstance(value, list):
        return tuple(tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: tuples(v) for k, v in value.items()}
    return value


def delivery_records(world: World) -> dict[str, Record]:
    book = world.deliveries
    records: dict[str, Record] = {"policy": encode(book.policy)}
    if book.slots:
        records["slots"] = dict(book.slots)
    for hook, state in book.verification.items():
        records[f"verification:{hook}"] = encode(state)
    for (hook, vehicle), watch in book.watches.items():
        records[f"watch:{hook}:{vehicle}"] = watch_record(watch)
    return records


def apply_deliveries(world: World, section: dict[str, Record]) -> None:
    book = world.deliveries
    book.verification.clear()
    book.watches.clear()
    book.slots.clear()
    for key, record in section.items():
        where = f"deliveries/{key}"
        kind, _, rest = key.partition(":")
        if key == "policy":
            book.policy = decode_dataclass(DeliveryPolicy, record, where)
        elif key == "slots":
            book.slots.update(decode(dict[str, int], record, where))
        elif kind == "verification":
            book.verification[rest] = decode_dataclass(Verification, record, where)
        elif kind == "watch":
            data = dict(record)
            errors = {(str(t), c): tuple(v) for t, c, v in data.pop("errors", [])}
            baseline = data.pop("baseline", None)
            watch = decode_dataclass(Watch, data, where, errors=errors, baseline=(
                None if baseline is None else {k: tuples(v) for k, v in baseline.items()}))
            book.watches[(watch.webhook_id, watch.vehicle_id)] = watch
        else:
            raise RecordError(f"{where}: unknown record")


