"""Assemble the standard pre-trade chain: the one every order passes, in every mode."""

from __future__ import annotations

from application.ledger import Ledger, UnitOfWorkFactory
from application.ports.clock import Clock
from application.ports.market_data import PriceCache
from application.ports.risk import PreTradeCheck
from application.risk.book import BookReader
from application.risk.chain import RiskChain
from application.risk.checks import (
    ExposureCheck,
    HaltCheck,
    PriceBandCheck,
    RateLimitCheck,
    ReduceOnlyCheck,
)
from application.risk.state import RiskState


def standard_checks(
    state: RiskState,
    uow: UnitOfWorkFactory,
    prices: PriceCache,
    clock: Clock,
    ledger: Ledger | None = None,
) -> list[PreTradeCheck]:
    """Return the checks in order: halts, reduce-only, price band, exposure, rate limit.

    The rate limit runs last so that only orders about to go out spend a token.
    """
    book = BookReader(uow, prices, ledger)
    return [
        HaltCheck(state, book),
        ReduceOnlyCheck(book),
        PriceBandCheck(state, prices),
        ExposureCheck(state, book),
        RateLimitCheck(state, clock),
    ]


def standard_chain(
    state: RiskState,
    uow: UnitOfWorkFactory,
    prices: PriceCache,
    clock: Clock,
    ledger: Ledger | None = None,
) -> RiskChain:
    """Return the chain of `standard_checks`: the one the composition root installs."""
    return RiskChain(standard_checks(state, uow, prices, clock, ledger))
