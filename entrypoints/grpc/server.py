"""Build the asyncio gRPC server: services, interceptors, health, reflection, TLS."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from autotrader.v1 import trading_pb2_grpc
from entrypoints.grpc.interceptors import (
    AuthInterceptor,
    ErrorMappingInterceptor,
    Grant,
    RequestLogInterceptor,
    Role,
    TracingInterceptor,
)
from entrypoints.grpc.trading_servicer import TradingServicer
from entrypoints.settings import Settings

TRADING = "autotrader.v1.TradingService"

# The role each method needs; anything not listed needs ADMIN.
REQUIRED_ROLES: dict[str, Role] = {
    f"/{TRADING}/SubmitOrder": Role.TRADE,
    f"/{TRADING}/CancelOrder": Role.TRADE,
    f"/{TRADING}/GetOrder": Role.READ,
    f"/{TRADING}/ListOrders": Role.READ,
    f"/{TRADING}/ListPositions": Role.READ,
    f"/{TRADING}/GetAccount": Role.READ,
    f"/{TRADING}/StreamEvents": Role.READ,
}


def grants(settings: Settings) -> dict[str, Grant]:
    return {
        g.token.get_secret_value(): Grant(g.name, Role[g.role.upper()]) for g in settings.tokens
    }


class GrpcServer:
    """The running server and its health status."""

    def __init__(self, server: grpc.aio.Server, health: HealthServicer, port: int) -> None:
        self.server = server
        self.health = health
        self.port = port

    async def serving(self, services: Iterable[str]) -> None:
        for name in ("", *services):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace: float) -> None:
        """Report NOT_SERVING, then let calls in flight finish for up to `grace` seconds."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


@dataclass(frozen=True, slots=True)
class GrpcService:
    """One service to serve: how to add it, its full name, and the role each method needs."""

    full_name: str
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    servicer: Any
    roles: Mapping[str, Role] = field(default_factory=dict)


def trading_service(trading: TradingServicer) -> GrpcService:
    return GrpcService(
        TRADING, trading_pb2_grpc.add_TradingServiceServicer_to_server, trading, REQUIRED_ROLES
    )


def build_server(
    settings: Settings, services: Sequence[GrpcService]
) -> tuple[grpc.aio.Server, HealthServicer]:
    roles: dict[str, Role] = {}
    for service in services:
        roles.update(service.roles)
    server = grpc.aio.server(
        interceptors=[
            TracingInterceptor(),
            RequestLogInterceptor(),
            AuthInterceptor(grants(settings), roles),
            ErrorMappingInterceptor(),
        ],
        options=[("grpc.so_reuseport", 0)],
    )
    for service in services:
        service.add_to_server(service.servicer, server)
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    names = [
        *(service.full_name for service in services),
        health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
        reflection.SERVICE_NAME,
    ]
    reflection.enable_server_reflection(names, server)
    return server, health


async def start(settings: Settings, services: Sequence[GrpcService]) -> GrpcServer:
    """Bind, start and mark SERVING; return the server with the port it bound."""
    server, health = build_server(settings, services)
    address = f"{settings.grpc_host}:{settings.grpc_port}"
    credentials = server_credentials(settings)
    if credentials is None:
        port = server.add_insecure_port(address)
    else:
        port = server.add_secure_port(address, credentials)
    await server.start()
    running = GrpcServer(server, health, port)
    await running.serving([service.full_name for service in services])
    return running


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """Return TLS credentials when a certificate and key are configured.

    With a client CA configured, clients must present a certificate signed by it.
    """
    if settings.tls_cert_file is None and settings.tls_key_file is None:
        return None
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        raise ValueError("TLS needs both tls_cert_file and tls_key_file")
    key = _read(settings.tls_key_file)
    cert = _read(settings.tls_cert_file)
    client_ca = _read(settings.tls_client_ca_file) if settings.tls_client_ca_file else None
    return grpc.ssl_server_credentials(
        [(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None
    )


def _read(path: Path) -> bytes:
    return path.read_bytes()
