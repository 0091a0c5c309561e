"""Binance's error answer: an HTTP status and a JSON body {"code": ..., "msg": ...}."""

from __future__ import annotations


class BinanceError(Exception):
    """An error the fake answers with, exactly as Binance would."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(f"{code}: {msg}")
        self.status = status
        self.code = code
        self.msg = msg

    def body(self) -> dict[str, object]:
        return {"code": self.code, "msg": self.msg}


def missing(name: str) -> BinanceError:
    return BinanceError(
        400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def invalid_symbol() -> BinanceError:
    return BinanceError(400, -1121, "Invalid symbol.")


def rejection_error(reason: str) -> BinanceError:
    """Map the simulated venue's rejection text to Binance's code for it."""
    for prefix, code in _REJECTIONS:
        if reason.startswith(prefix):
            return BinanceError(400, code, reason)
    return BinanceError(400, -1013, reason)


_REJECTIONS = (
    ("Invalid symbol", -1121),
    ("Duplicate clientOrderId", -4116),
    ("Filter failure", -1013),
    ("Margin is insufficient", -2019),
    ("Order would immediately trigger", -2021),
    ("GTX order rejected", -5022),
    ("ReduceOnly Order is rejected", -2022),
    ("No market price", -1013),
)
