"""Domain objects to and from JSON-ready dicts: decimals as strings, enums by value.

The journal stores event subjects this way; `from_dict(type(x), to_dict(x)) == x`
exactly, down to the exponent of every decimal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from types import NoneType, UnionType
from typing import Any, TypeVar, get_args, get_type_hints

from application.events import Event, EventKind, Subject
from application.ports.reconciliation import Discrepancy
from application.ports.venue import FundingPayment
from domain.account import Account
from domain.fill import Fill
from domain.order import Order
from domain.position import Position

T = TypeVar("T", Order, Fill, Position, Account, FundingPayment, Discrepancy)
_Convert = Callable[[Any], Any]

# The tag names the subject type inside a payload; changing one breaks stored journals.
_TAGS: dict[type[Any], str] = {
    Order: "order",
    Fill: "fill",
    Position: "position",
    Account: "account",
    FundingPayment: "funding",
    Discrepancy: "discrepancy",
}
_TYPES = {tag: cls for cls, tag in _TAGS.items()}
_CODECS: dict[type[Any], tuple[tuple[str, _Convert, _Convert], ...]] = {}


def to_dict(
    obj: Order | Fill | Position | Account | FundingPayment | Discrepancy,
) -> dict[str, Any]:
    """Return the fields of `obj` as JSON-ready values."""
    return {name: encode(getattr(obj, name)) for name, encode, _ in _codecs(type(obj))}


def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build a `cls` from what `to_dict` returned."""
    return cls(**{name: decode(data[name]) for name, _, decode in _codecs(cls) if name in data})


def encode_payload(event: Event) -> dict[str, Any]:
    """Return what the journal keeps of `event` besides its kind, time and sequence."""
    payload = encode_subject(event.subject)
    if event.trace is not None:
        payload["trace"] = event.trace
    return payload


def decode_event(kind: str, ts: int, sequence: int, payload: Mapping[str, Any]) -> Event:
    """Rebuild a journalled event from its columns and the `encode_payload` dict."""
    subject = decode_subject(payload)
    return Event(EventKind(kind), ts, subject, sequence, trace=payload.get("trace"))


def encode_subject(subject: Subject) -> dict[str, Any]:
    """Return an event subject as a dict tagged with its type."""
    return {"type": _TAGS[type(subject)], "data": to_dict(subject)}


def decode_subject(payload: Mapping[str, Any]) -> Subject:
    """Rebuild the subject `encode_subject` made."""
    cls = _TYPES.get(payload["type"])
    if cls is None:
        raise ValueError(f"unknown subject type {payload['type']!r}")
    subject: Subject = from_dict(cls, payload["data"])
    return subject


def _codecs(cls: type[Any]) -> tuple[tuple[str, _Convert, _Convert], ...]:
    found = _CODECS.get(cls)
    if found is None:
        hints = get_type_hints(cls)
        fields = dataclasses.fields(cls)
        found = _CODECS[cls] = tuple((f.name, *_field_codec(hints[f.name])) for f in fields)
    return found


def _field_codec(hint: Any) -> tuple[_Convert, _Convert]:
    args = get_args(hint)
    if isinstance(hint, UnionType) and NoneType in args:
        (inner,) = (arg for arg in args if arg is not NoneType)
        encode, decode = _field_codec(inner)
        return _optional(encode), _optional(decode)
    if hint is Decimal:
        return str, Decimal
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_value, hint
    if hint in (int, str, bool):
        return _same, _same
    raise TypeError(f"no JSON codec for {hint!r}")


def _optional(convert: _Convert) -> _Convert:
    return lambda value: None if value is None else convert(value)


def _enum_value(member: Enum) -> Any:
    return member.value


def _same(value: Any) -> Any:
    return value
