"""Bearer tokens, roles and TLS on the real in-process gRPC server."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings, TokenGrant

READER = "reader-token-0123456789"
TRADER = "trader-token-0123456789"


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        grpc_port=0,
        paper=PaperSettings(tick_interval_ms=50),
        log_level="warning",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[Service]:
    tokens = [
        TokenGrant(name="dashboard", role="read", token=READER),  # type: ignore[arg-type]
        TokenGrant(name="desk", role="trade", token=TRADER),  # type: ignore[arg-type]
    ]
    service = Service(settings_for(tmp_path, tokens=tokens))
    await service.start()
    yield service
    await service.stop(grace=0)


def _auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def _order() -> pb.SubmitOrderRequest:
    return pb.SubmitOrderRequest(
        symbol="BTCUSDT", side=pb.SIDE_BUY, type=pb.ORDER_TYPE_MARKET, quantity="0.01"
    )


async def test_tokens_and_roles(guarded: Service) -> None:
    assert guarded.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{guarded.grpc.port}") as channel:
        stub = trading_pb2_grpc.TradingServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.GetAccount(pb.GetAccountRequest())
        assert anonymous.value.code() is grpc.StatusCode.UNAUTHENTICATED

        with pytest.raises(grpc.aio.AioRpcError) as forged:
            await stub.GetAccount(pb.GetAccountRequest(), metadata=_auth("x" * 24))
        assert forged.value.code() is grpc.StatusCode.UNAUTHENTICATED

        account = await stub.GetAccount(pb.GetAccountRequest(), metadata=_auth(READER))
        assert account.account.wallet_balance == "10000"

        with pytest.raises(grpc.aio.AioRpcError) as too_low:
            await stub.SubmitOrder(_order(), metadata=_auth(READER))
        assert too_low.value.code() is grpc.StatusCode.PERMISSION_DENIED
        assert "trade role" in (too_low.value.details() or "")
        orders = await stub.ListOrders(pb.ListOrdersRequest(), metadata=_auth(READER))
        assert list(orders.orders) == []

        placed = await stub.SubmitOrder(_order(), metadata=_auth(TRADER))
        assert placed.order.status == pb.ORDER_STATUS_FILLED

        health = health_pb2_grpc.HealthStub(channel)
        reply = await health.Check(health_pb2.HealthCheckRequest())
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "server.crt", directory / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_tls_only_server(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    service = Service(settings_for(tmp_path / "data", tls_cert_file=cert, tls_key_file=key))
    await service.start()
    try:
        assert service.grpc is not None
        target = f"localhost:{service.grpc.port}"
        creds = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        async with grpc.aio.secure_channel(target, creds) as channel:
            stub = trading_pb2_grpc.TradingServiceStub(channel)
            reply = await stub.GetAccount(pb.GetAccountRequest(), timeout=10)
            assert reply.account.mode == "paper"
        async with grpc.aio.insecure_channel(target) as plain:
            stub = trading_pb2_grpc.TradingServiceStub(plain)
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetAccount(pb.GetAccountRequest(), timeout=5)
            assert refused.value.code() is grpc.StatusCode.UNAVAILABLE
    finally:
        await service.stop(grace=0)
