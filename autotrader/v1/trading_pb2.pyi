from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIDE_UNSPECIFIED: _ClassVar[Side]
    SIDE_BUY: _ClassVar[Side]
    SIDE_SELL: _ClassVar[Side]

class OrderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_TYPE_UNSPECIFIED: _ClassVar[OrderType]
    ORDER_TYPE_MARKET: _ClassVar[OrderType]
    ORDER_TYPE_LIMIT: _ClassVar[OrderType]
    ORDER_TYPE_STOP_MARKET: _ClassVar[OrderType]
    ORDER_TYPE_TAKE_PROFIT_MARKET: _ClassVar[OrderType]

class TimeInForce(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_IN_FORCE_UNSPECIFIED: _ClassVar[TimeInForce]
    TIME_IN_FORCE_GTC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_IOC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_FOK: _ClassVar[TimeInForce]
    TIME_IN_FORCE_GTX: _ClassVar[TimeInForce]

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_NEW: _ClassVar[OrderStatus]
    ORDER_STATUS_OPEN: _ClassVar[OrderStatus]
    ORDER_STATUS_PARTIALLY_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELED: _ClassVar[OrderStatus]
    ORDER_STATUS_REJECTED: _ClassVar[OrderStatus]
    ORDER_STATUS_EXPIRED: _ClassVar[OrderStatus]

class MarginMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MARGIN_MODE_UNSPECIFIED: _ClassVar[MarginMode]
    MARGIN_MODE_CROSS: _ClassVar[MarginMode]
    MARGIN_MODE_ISOLATED: _ClassVar[MarginMode]

class Liquidity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIQUIDITY_UNSPECIFIED: _ClassVar[Liquidity]
    LIQUIDITY_MAKER: _ClassVar[Liquidity]
    LIQUIDITY_TAKER: _ClassVar[Liquidity]
SIDE_UNSPECIFIED: Side
SIDE_BUY: Side
SIDE_SELL: Side
ORDER_TYPE_UNSPECIFIED: OrderType
ORDER_TYPE_MARKET: OrderType
ORDER_TYPE_LIMIT: OrderType
ORDER_TYPE_STOP_MARKET: OrderType
ORDER_TYPE_TAKE_PROFIT_MARKET: OrderType
TIME_IN_FORCE_UNSPECIFIED: TimeInForce
TIME_IN_FORCE_GTC: TimeInForce
TIME_IN_FORCE_IOC: TimeInForce
TIME_IN_FORCE_FOK: TimeInForce
TIME_IN_FORCE_GTX: TimeInForce
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_NEW: OrderStatus
ORDER_STATUS_OPEN: OrderStatus
ORDER_STATUS_PARTIALLY_FILLED: OrderStatus
ORDER_STATUS_FILLED: OrderStatus
ORDER_STATUS_CANCELED: OrderStatus
ORDER_STATUS_REJECTED: OrderStatus
ORDER_STATUS_EXPIRED: OrderStatus
MARGIN_MODE_UNSPECIFIED: MarginMode
MARGIN_MODE_CROSS: MarginMode
MARGIN_MODE_ISOLATED: MarginMode
LIQUIDITY_UNSPECIFIED: Liquidity
LIQUIDITY_MAKER: Liquidity
LIQUIDITY_TAKER: Liquidity

class Order(_message.Message):
    __slots__ = ("order_id", "client_order_id", "symbol", "side", "type", "quantity", "price", "stop_price", "time_in_force", "reduce_only", "status", "filled_quantity", "average_price", "fees", "exchange_order_id", "reject_reason", "created_at_ms", "updated_at_ms")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STOP_PRICE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_PRICE_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    client_order_id: str
    symbol: str
    side: Side
    type: OrderType
    quantity: str
    price: str
    stop_price: str
    time_in_force: TimeInForce
    reduce_only: bool
    status: OrderStatus
    filled_quantity: str
    average_price: str
    fees: str
    exchange_order_id: str
    reject_reason: str
    created_at_ms: int
    updated_at_ms: int
    def __init__(self, order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., type: _Optional[_Union[OrderType, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., stop_price: _Optional[str] = ..., time_in_force: _Optional[_Union[TimeInForce, str]] = ..., reduce_only: bool = ..., status: _Optional[_Union[OrderStatus, str]] = ..., filled_quantity: _Optional[str] = ..., average_price: _Optional[str] = ..., fees: _Optional[str] = ..., exchange_order_id: _Optional[str] = ..., reject_reason: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ...) -> None: ...

class Fill(_message.Message):
    __slots__ = ("fill_id", "order_id", "client_order_id", "symbol", "side", "quantity", "price", "fee", "fee_asset", "liquidity", "ts_ms")
    FILL_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    FEE_ASSET_FIELD_NUMBER: _ClassVar[int]
    LIQUIDITY_FIELD_NUMBER: _ClassVar[int]
    TS_MS_FIELD_NUMBER: _ClassVar[int]
    fill_id: str
    order_id: str
    client_order_id: str
    symbol: str
    side: Side
    quantity: str
    price: str
    fee: str
    fee_asset: str
    liquidity: Liquidity
    ts_ms: int
    def __init__(self, fill_id: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., fee: _Optional[str] = ..., fee_asset: _Optional[str] = ..., liquidity: _Optional[_Union[Liquidity, str]] = ..., ts_ms: _Optional[int] = ...) -> None: ...

class Position(_message.Message):
    __slots__ = ("symbol", "quantity", "entry_price", "mark_price", "unrealized_pnl", "realized_pnl", "fees", "funding", "leverage", "margin_mode", "isolated_margin", "notional", "maintenance_margin", "liquidation_price", "updated_at_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    FUNDING_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_MODE_FIELD_NUMBER: _ClassVar[int]
    ISOLATED_MARGIN_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_PRICE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    quantity: str
    entry_price: str
    mark_price: str
    unrealized_pnl: str
    realized_pnl: str
    fees: str
    funding: str
    leverage: int
    margin_mode: MarginMode
    isolated_margin: str
    notional: str
    maintenance_margin: str
    liquidation_price: str
    updated_at_ms: int
    def __init__(self, symbol: _Optional[str] = ..., quantity: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., fees: _Optional[str] = ..., funding: _Optional[str] = ..., leverage: _Optional[int] = ..., margin_mode: _Optional[_Union[MarginMode, str]] = ..., isolated_margin: _Optional[str] = ..., notional: _Optional[str] = ..., maintenance_margin: _Optional[str] = ..., liquidation_price: _Optional[str] = ..., updated_at_ms: _Optional[int] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("asset", "wallet_balance", "unrealized_pnl", "margin_balance", "position_margin", "order_margin", "available_balance", "mode", "venue")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    WALLET_BALANCE_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    MARGIN_BALANCE_FIELD_NUMBER: _ClassVar[int]
    POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    ORDER_MARGIN_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BALANCE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    asset: str
    wallet_balance: str
    unrealized_pnl: str
    margin_balance: str
    position_margin: str
    order_margin: str
    available_balance: str
    mode: str
    venue: str
    def __init__(self, asset: _Optional[str] = ..., wallet_balance: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., margin_balance: _Optional[str] = ..., position_margin: _Optional[str] = ..., order_margin: _Optional[str] = ..., available_balance: _Optional[str] = ..., mode: _Optional[str] = ..., venue: _Optional[str] = ...) -> None: ...

class FundingPayment(_message.Message):
    __slots__ = ("symbol", "rate", "mark_price", "position_quantity", "amount", "ts_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    POSITION_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TS_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    rate: str
    mark_price: str
    position_quantity: str
    amount: str
    ts_ms: int
    def __init__(self, symbol: _Optional[str] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., position_quantity: _Optional[str] = ..., amount: _Optional[str] = ..., ts_ms: _Optional[int] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("asset", "wallet_balance", "updated_at_ms")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    WALLET_BALANCE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    wallet_balance: str
    updated_at_ms: int
    def __init__(self, asset: _Optional[str] = ..., wallet_balance: _Optional[str] = ..., updated_at_ms: _Optional[int] = ...) -> None: ...

class Discrepancy(_message.Message):
    __slots__ = ("kind", "subject", "local", "exchange", "action", "ts_ms")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TS_MS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    subject: str
    local: str
    exchange: str
    action: str
    ts_ms: int
    def __init__(self, kind: _Optional[str] = ..., subject: _Optional[str] = ..., local: _Optional[str] = ..., exchange: _Optional[str] = ..., action: _Optional[str] = ..., ts_ms: _Optional[int] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("sequence", "kind", "ts_ms", "order", "fill", "position", "funding", "balance", "discrepancy")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TS_MS_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    FUNDING_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCY_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    kind: str
    ts_ms: int
    order: Order
    fill: Fill
    position: Position
    funding: FundingPayment
    balance: Balance
    discrepancy: Discrepancy
    def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[str] = ..., ts_ms: _Optional[int] = ..., order: _Optional[_Union[Order, _Mapping]] = ..., fill: _Optional[_Union[Fill, _Mapping]] = ..., position: _Optional[_Union[Position, _Mapping]] = ..., funding: _Optional[_Union[FundingPayment, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ..., discrepancy: _Optional[_Union[Discrepancy, _Mapping]] = ...) -> None: ...

class SubmitOrderRequest(_message.Message):
    __slots__ = ("symbol", "side", "type", "quantity", "price", "stop_price", "time_in_force", "reduce_only", "client_order_id")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STOP_PRICE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    side: Side
    type: OrderType
    quantity: str
    price: str
    stop_price: str
    time_in_force: TimeInForce
    reduce_only: bool
    client_order_id: str
    def __init__(self, symbol: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., type: _Optional[_Union[OrderType, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., stop_price: _Optional[str] = ..., time_in_force: _Optional[_Union[TimeInForce, str]] = ..., reduce_only: bool = ..., client_order_id: _Optional[str] = ...) -> None: ...

class SubmitOrderResponse(_message.Message):
    __slots__ = ("order", "duplicate")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    order: Order
    duplicate: bool
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., duplicate: bool = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order", "fills")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FILLS_FIELD_NUMBER: _ClassVar[int]
    order: Order
    fills: _containers.RepeatedCompositeFieldContainer[Fill]
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., fills: _Optional[_Iterable[_Union[Fill, _Mapping]]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("statuses", "open_only", "symbol", "limit")
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedScalarFieldContainer[OrderStatus]
    open_only: bool
    symbol: str
    limit: int
    def __init__(self, statuses: _Optional[_Iterable[_Union[OrderStatus, str]]] = ..., open_only: bool = ..., symbol: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders",)
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ...) -> None: ...

class ListPositionsRequest(_message.Message):
    __slots__ = ("include_flat",)
    INCLUDE_FLAT_FIELD_NUMBER: _ClassVar[int]
    include_flat: bool
    def __init__(self, include_flat: bool = ...) -> None: ...

class ListPositionsResponse(_message.Message):
    __slots__ = ("positions",)
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    positions: _containers.RepeatedCompositeFieldContainer[Position]
    def __init__(self, positions: _Optional[_Iterable[_Union[Position, _Mapping]]] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: Account
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ...) -> None: ...

class StreamEventsRequest(_message.Message):
    __slots__ = ("after_sequence", "tail", "follow", "kinds")
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TAIL_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    tail: int
    follow: bool
    kinds: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, after_sequence: _Optional[int] = ..., tail: _Optional[int] = ..., follow: bool = ..., kinds: _Optional[_Iterable[str]] = ...) -> None: ...
