"""TradingService: proto in → use case → proto out, nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc

from application.events import EventKind
from application.ports.events import EventSource
from application.use_cases.cancel_order import CancelOrder
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import (
    GetOrder,
    ListFills,
    ListOrders,
    ReadEvents,
    Valuation,
)
from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc as pb_grpc
from domain.errors import InvalidInput
from domain.order import OPEN_STATUSES
from entrypoints.grpc import mapping

MAX_LIST = 1000
_KINDS = {kind.value for kind in EventKind}


@dataclass(frozen=True, slots=True)
class TradingUseCases:
    place_order: PlaceOrder
    cancel_order: CancelOrder
    get_order: GetOrder
    list_orders: ListOrders
    list_fills: ListFills
    valuation: Valuation
    read_events: ReadEvents
    events: EventSource
    mode: str
    venue: str


class TradingServicer(pb_grpc.TradingServiceServicer):
    def __init__(self, use_cases: TradingUseCases) -> None:
        self._uc = use_cases

    async def SubmitOrder(
        self, request: pb.SubmitOrderRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitOrderResponse:
        order, duplicate = await self._uc.place_order.execute(mapping.order_request(request))
        return pb.SubmitOrderResponse(order=mapping.order_pb(order), duplicate=duplicate)

    async def CancelOrder(
        self, request: pb.CancelOrderRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelOrderResponse:
        order = await self._uc.cancel_order.execute(_required_id(request.order_id))
        return pb.CancelOrderResponse(order=mapping.order_pb(order))

    async def GetOrder(
        self, request: pb.GetOrderRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOrderResponse:
        order = await self._uc.get_order.execute(_required_id(request.order_id))
        fills = await self._uc.list_fills.execute(order.order_id, MAX_LIST)
        return pb.GetOrderResponse(
            order=mapping.order_pb(order), fills=[mapping.fill_pb(f) for f in fills]
        )

    async def ListOrders(
        self, request: pb.ListOrdersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOrdersResponse:
        if not 0 <= request.limit <= MAX_LIST:
            raise InvalidInput("limit", f"must be between 1 and {MAX_LIST}")
        statuses = mapping.statuses(list(request.statuses))
        if request.open_only:
            statuses = [s for s in statuses if s in OPEN_STATUSES] or list(OPEN_STATUSES)
        orders = await self._uc.list_orders.execute(
            statuses, request.symbol.strip().upper() or None, request.limit or 100
        )
        return pb.ListOrdersResponse(orders=[mapping.order_pb(o) for o in orders])

    async def ListPositions(
        self, request: pb.ListPositionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListPositionsResponse:
        views = await self._uc.valuation.positions(request.include_flat)
        return pb.ListPositionsResponse(positions=[mapping.position_pb(v) for v in views])

    async def GetAccount(
        self, request: pb.GetAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAccountResponse:
        summary = await self._uc.valuation.account()
        return pb.GetAccountResponse(
            account=mapping.account_pb(summary, self._uc.mode, self._uc.venue)
        )

    async def StreamEvents(
        self, request: pb.StreamEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.Event]:
        kinds = set(request.kinds)
        unknown = kinds - _KINDS
        if unknown:
            raise InvalidInput("kinds", f"unknown {sorted(unknown)}; known: {sorted(_KINDS)}")
        if request.after_sequence < 0:
            raise InvalidInput("after_sequence", "must be >= 0")
        if request.tail < 0:
            raise InvalidInput("tail", "must be >= 0")
        # Subscribe before replaying so no event can fall between the two.
        subscription = self._uc.events.subscribe() if request.follow else None
        last = await self._replay_start(request)
        try:
            while batch := await self._uc.read_events.execute(last, MAX_LIST):
                for event in batch:
                    last = event.sequence
                    if not kinds or event.kind.value in kinds:
                        yield mapping.event_pb(event)
            if subscription is None:
                return
            async for event in subscription:
                if event.sequence <= last or (kinds and event.kind.value not in kinds):
                    continue
                last = event.sequence
                yield mapping.event_pb(event)
        finally:
            if subscription is not None:
                await subscription.close()

    async def _replay_start(self, request: pb.StreamEventsRequest) -> int:
        newest = await self._uc.read_events.last_sequence()
        if request.after_sequence > 0:
            return min(request.after_sequence, newest)
        return max(newest - request.tail, 0)


def _required_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("order_id", "is required")
    return value
