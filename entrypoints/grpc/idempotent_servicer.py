"""SubmitOrder with idempotency keys: gRPC metadata `idempotency-key`.

A retried call with the same key and the same request gets the first call's response
(stored as bytes), without placing anything again. The same key with a different
request is INVALID_ARGUMENT; while the first call is still running a retry is
FAILED_PRECONDITION. A call that fails releases its key, so a retry runs it again;
a request without a client order id gets one derived from the key, so that retry
finds the order the failed call may have stored instead of placing a second one.
"""

from __future__ import annotations

import contextlib
import hashlib

import grpc

from application.ports.clock import Clock
from application.ports.idempotency import ClaimState, IdempotencyStore
from application.ports.storage import StorageUnavailable
from autotrader.v1 import trading_pb2 as pb
from domain.errors import InvalidInput, PreconditionFailed
from entrypoints.grpc.trading_servicer import TradingServicer, TradingUseCases

HEADER = "idempotency-key"
MAX_KEY = 128
METHOD = "SubmitOrder"


class IdempotentTradingServicer(TradingServicer):
    """TradingServicer whose SubmitOrder honours idempotency keys."""

    def __init__(self, use_cases: TradingUseCases, keys: IdempotencyStore, clock: Clock) -> None:
        super().__init__(use_cases)
        self._keys = keys
        self._clock = clock

    async def SubmitOrder(
        self, request: pb.SubmitOrderRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitOrderResponse:
        key = idempotency_key(context)
        if key is None:
            return await super().SubmitOrder(request, context)
        digest = hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest()
        claim = await self._keys.claim(key, METHOD, digest, self._clock.now_ms())
        if claim.state is ClaimState.CONFLICT:
            raise InvalidInput(HEADER, "was already used for a different request")
        if claim.state is ClaimState.RUNNING:
            raise PreconditionFailed("the first call with this idempotency-key is still running")
        if claim.state is ClaimState.DONE:
            assert claim.response is not None
            return pb.SubmitOrderResponse.FromString(claim.response)
        if not request.client_order_id:
            # A retry after a failure then finds the order the first try stored.
            request.client_order_id = "ik-" + hashlib.sha256(key.encode()).hexdigest()[:32]
        try:
            response = await super().SubmitOrder(request, context)
        except BaseException:
            with contextlib.suppress(StorageUnavailable):  # then it stays claimed: retry later
                await self._keys.release(key)
            raise
        await self._keys.complete(key, response.SerializeToString())
        return response


def idempotency_key(context: grpc.aio.ServicerContext) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == HEADER:
            key = value if isinstance(value, str) else value.decode()
            if not key.strip() or len(key) > MAX_KEY:
                raise InvalidInput(HEADER, f"must be 1 to {MAX_KEY} characters")
            return key
    return None
