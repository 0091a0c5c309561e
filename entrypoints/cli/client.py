"""The gRPC connection the CLI uses, and how its failures are shown."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
import grpc

from autotrader.v1 import trading_pb2_grpc
from entrypoints.grpc.client_tracing import TracingClientInterceptor

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_REJECTED = 3


@dataclass
class Connection:
    target: str
    token: str | None
    tls_ca: Path | None
    timeout: float
    _channel: grpc.Channel | None = None

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            if self.tls_ca is not None:
                creds = grpc.ssl_channel_credentials(root_certificates=self.tls_ca.read_bytes())
                self._channel = grpc.secure_channel(self.target, creds)
            else:
                self._channel = grpc.insecure_channel(self.target)
            # Carry the caller's trace (TRACEPARENT) into the service.
            self._channel = grpc.intercept_channel(self._channel, TracingClientInterceptor())
        return self._channel

    def trading(self) -> trading_pb2_grpc.TradingServiceStub:
        return trading_pb2_grpc.TradingServiceStub(self.channel())

    def metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token}")] if self.token else []

    def call(self, method: Callable[..., Any], request: Any) -> Any:
        return method(request, metadata=self.metadata(), timeout=self.timeout)


def fail(message: str, code: int = EXIT_FAILED) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def rpc_errors(command: F) -> F:
    """Show a failed call as one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else None
            details = error.details() if hasattr(error, "details") else str(error)
            if code is grpc.StatusCode.UNAVAILABLE:
                details = f"{details} (is the server running? target: {_target()})"
            exit_code = EXIT_INVALID if code is grpc.StatusCode.INVALID_ARGUMENT else EXIT_FAILED
            name = code.name if code is not None else "ERROR"
            fail(f"{name}: {details}", exit_code)
        except KeyboardInterrupt:
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _target() -> str:
    ctx = click.get_current_context(silent=True)
    conn = ctx.find_object(Connection) if ctx else None
    return conn.target if conn else "?"
