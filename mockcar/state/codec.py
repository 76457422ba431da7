"""Dataclasses to JSON-able values and back, by their type hints.

The World's values are dataclasses of plain fields (numbers, text, enums, times,
tuples, frozensets and other dataclasses); records hold them as JSON objects whose keys
are the field names, so a record reads like the value it stands for. Fields declared
`init=False` are derived and left out; so are private fields (a leading underscore).
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from enum import Enum
from functools import cache
from typing import Any, Union


def key_of(secret: str) -> str:
    """The key a secret (token, code) is stored under: a hash, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


class RecordError(ValueError):
    """Records that cannot be applied; the message names the section and key."""


# Types recorded by a name rather than field by field (a catalogue entry that holds
# code, say): type -> (to data, from data and where).
SPECIAL: dict[type, tuple[Callable[[Any], Any], Callable[[Any, str], Any]]] = {}


def encode(value: Any) -> Any:
    """`value` as JSON-able data."""
    if len(SPECIAL) != _ENCODERS_FOR[0]:  # a type registered since: choose again
        _ENCODERS.clear()
        _ENCODERS_FOR[0] = len(SPECIAL)
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _ENCODERS[type(value)] = _encoder(type(value))
    return encoder(value)


# How each type is encoded, chosen once per type (a car's record encodes some hundred
# values: a lookup each rather than a walk down the isinstance tests).
_ENCODERS: dict[type, Callable[[Any], Any]] = {}
_ENCODERS_FOR = [0]  # len(SPECIAL) when _ENCODERS was filled


def _same(value: Any) -> Any:
    return value


def _encoder(cls: type) -> Callable[[Any], Any]:
    if cls is type(None) or issubclass(cls, bool | int | str):
        return _same
    special = SPECIAL.get(cls)
    if special is not None:
        return special[0]
    if issubclass(cls, float):
        return _same
    if issubclass(cls, Enum):
        return lambda value: value.value
    if issubclass(cls, datetime | time):
        return lambda value: value.isoformat()
    if issubclass(cls, timedelta):
        return lambda value: value.total_seconds()
    if dataclasses.is_dataclass(cls):
        names = tuple(f.name for f in public_fields(cls))
        return lambda value: {name: encode(getattr(value, name)) for name in names}
    if issubclass(cls, frozenset | set):
        return lambda value: sorted((encode(v) for v in value), key=repr)
    if issubclass(cls, tuple | list):
        return lambda value: [encode(v) for v in value]
    if issubclass(cls, Mapping):
        return lambda value: {str(k): encode(v) for k, v in value.items()}

    def refused(value: Any) -> Any:
        raise TypeError(f"cannot record a {cls.__name__}")

    return refused


@cache
def public_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_"))


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(hint: Any, data: Any, where: str) -> Any:
    """`data` (from `encode`) as a value of type `hint`; RecordError naming `where`."""
    if hint is Any:
        return data
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        problems = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return decode(arg, data, where)
            except RecordError as error:
                problems.append(str(error))
        raise RecordError(problems[0] if problems else f"{where}: unexpected {data!r}")
    if origin is typing.Literal:
        if data in args:
            return data
        raise RecordError(f"{where}: expected one of {args}, got {data!r}")
    if origin is tuple:
        items = _list(data, where)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(items))
        if len(items) != len(args):
            raise RecordError(f"{where}: expected {len(args)} items, got {len(items)}")
        return tuple(decode(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, items, strict=True)))
    if origin in (list, frozenset, set):
        made = [decode(args[0] if args else Any, v, f"{where}[{i}]")
                for i, v in enumerate(_list(data, where))]
        return origin(made)
    if origin in (dict, Mapping) or origin is getattr(typing, "Mapping", None):
        if not isinstance(data, dict):
            raise RecordError(f"{where}: expected an object, got {data!r}")
        key_type, value_type = args if args else (Any, Any)
        return {decode(key_type, k, where): decode(value_type, v, f"{where}.{k}")
                for k, v in data.items()}
    if origin is not None:
        return decode(origin, data, where)
    if isinstance(hint, type):
        return _decode_type(hint, data, where)
    raise RecordError(f"{where}: cannot read a {hint!r}")


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise RecordError(f"{where}: expected a list, got {data!r}")
    return data


def _decode_type(cls: type, data: Any, where: str) -> Any:
    special = SPECIAL.get(cls)
    if special is not None:
        return special[1](data, where)
    if dataclasses.is_dataclass(cls):
        return decode_dataclass(cls, data, where)
    if issubclass(cls, Enum):
        try:
            return cls(data)
        except ValueError:
            raise RecordError(f"{where}: {data!r} is not a {cls.__name__}") from None
    if cls is datetime:
        return parse_time(data, where)
    if cls is time:
        if isinstance(data, str):
            try:
                return time.fromisoformat(data)
            except ValueError:
                pass
        raise RecordError(f"{where}: expected a time of day, got {data!r}")
    if cls is timedelta:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return timedelta(seconds=data)
        raise RecordError(f"{where}: expected seconds, got {data!r}")
    if cls is float:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)
        raise RecordError(f"{where}: expected a number, got {data!r}")
    if cls is bool or cls is int or cls is str:
        if type(data) is cls:
            return data
        raise RecordError(f"{where}: expected a {cls.__name__}, got {data!r}")
    if cls is object:
        return data
    raise RecordError(f"{where}: cannot read a {cls.__name__}")


def decode_dataclass(cls: type, data: Any, where: str, **given: Any) -> Any:
    """A `cls` from its record; `given` fields are taken as they are."""
    if not isinstance(data, dict):
        raise RecordError(f"{where}: expected an object, got {data!r}")
    fields = public_fields(cls)
    known = {f.name for f in fields}
    unknown = sorted(set(data) - known - set(given))
    if unknown:
        raise RecordError(f"{where}: unknown field(s) {', '.join(unknown)}")
    values = dict(given)
    types_of = hints(cls)
    for f in fields:
        if f.name in given:
            continue
        if f.name in data:
            values[f.name] = decode(types_of[f.name], data[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise RecordError(f"{where}: missing field {f.name}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise RecordError(f"{where}: {error}") from None


def parse_time(text: Any, where: str) -> datetime:
    if not isinstance(text, str):
        raise RecordError(f"{where}: expected a time as ISO 8601 text, got {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{where}: {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise RecordError(f"{where}: {text!r} has no time zone")
    return moment
