"""Assemble the standard pre-trade chain: the one every order passes, in every mode."""

from __future__ import annotations

from application.ledger import UnitOfWorkFactory
from application.ports.clock import Clock
from application.ports.market_data import PriceCache
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


def standard_chain(
    state: RiskState, uow: UnitOfWorkFactory, prices: PriceCache, clock: Clock
) -> RiskChain:
    """Return the chain: halts, reduce-only, price band, exposure, then the rate limit.

    The rate limit runs last so that only orders about to go out spend a token.
    """
    book = BookReader(uow, prices)
    return RiskChain(
        [
            HaltCheck(state, book),
            ReduceOnlyCheck(book),
            PriceBandCheck(state, prices),
            ExposureCheck(state, book),
            RateLimitCheck(state, clock),
        ]
    )
