"""The pre-trade risk hook every order passes through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.instrument import Instrument
from domain.order import Order


@dataclass(frozen=True, slots=True)
class RiskVerdict:
    """A pre-trade decision: `code` is machine-readable, `message` is for people."""

    accepted: bool
    code: str = ""
    message: str = ""

    @classmethod
    def accept(cls) -> RiskVerdict:
        return cls(accepted=True)

    @classmethod
    def reject(cls, code: str, message: str) -> RiskVerdict:
        return cls(accepted=False, code=code, message=message)


class PreTradeCheck(Protocol):
    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict: ...
