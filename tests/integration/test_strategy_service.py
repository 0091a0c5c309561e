"""StrategyService on the real in-process server: roles, validation, persisted switches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from autotrader.v1 import strategy_pb2 as pb
from autotrader.v1 import strategy_pb2_grpc
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings, TokenGrant

READER = "reader-token-0123456789"
TRADER = "trader-token-0123456789"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    tokens = [
        TokenGrant(name="dashboard", role="read", token=READER),  # type: ignore[arg-type]
        TokenGrant(name="desk", role="trade", token=TRADER),  # type: ignore[arg-type]
    ]
    settings = Settings(
        data_dir=tmp_path,
        grpc_port=0,
        paper=PaperSettings(tick_interval_ms=50),
        log_level="warning",
        tokens=tokens,
    )
    running = Service(settings)
    await running.start()
    yield running
    await running.stop(grace=0)


def _auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


async def test_roles_validation_and_switches(service: Service) -> None:
    assert service.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
        stub = strategy_pb2_grpc.StrategyServiceStub(channel)
        listed = await stub.ListStrategies(pb.ListStrategiesRequest(), metadata=_auth(READER))
        assert {s.strategy_id for s in listed.strategies} == {
            "trend",
            "mean_reversion",
            "breakout",
            "pairs",
        }
        assert not any(s.enabled for s in listed.strategies)

        with pytest.raises(grpc.aio.AioRpcError) as too_low:
            await stub.StartStrategy(
                pb.StartStrategyRequest(strategy_id="trend"), metadata=_auth(READER)
            )
        assert too_low.value.code() is grpc.StatusCode.PERMISSION_DENIED

        started = await stub.StartStrategy(
            pb.StartStrategyRequest(strategy_id="trend"), metadata=_auth(TRADER)
        )
        assert started.strategy.enabled

        request = pb.UpdateParametersRequest(strategy_id="trend", params={"atr_k": "-1"})
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.UpdateParameters(request, metadata=_auth(TRADER))
        assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert (bad.value.details() or "").startswith("params.atr_k")

        state = await stub.GetStrategyState(
            pb.GetStrategyStateRequest(strategy_id="trend"), metadata=_auth(READER)
        )
        assert state.state.params["atr_k"] == "3.0"
        assert state.state.summary.enabled

        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetStrategyState(
                pb.GetStrategyStateRequest(strategy_id="nope"), metadata=_auth(READER)
            )
        assert missing.value.code() is grpc.StatusCode.NOT_FOUND

        good = pb.UpdateParametersRequest(
            strategy_id="trend", params={"atr_k": "2.5", "timeframe": "15m"}
        )
        updated = await stub.UpdateParameters(good, metadata=_auth(TRADER))
        assert updated.state.params["atr_k"] == "2.5"
        assert updated.state.summary.timeframe == "15m"
