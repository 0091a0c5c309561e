"""BacktestService on the real in-process server: progress then result, storage, roles."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from autotrader.v1 import backtest_pb2 as pb
from autotrader.v1 import backtest_pb2_grpc
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings, TokenGrant

READER = "reader-token-0123456789"
TRADER = "trader-token-0123456789"
START = 1_704_067_200_000
DAY = 86_400_000


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


def _spec(**changes: object) -> pb.BacktestSpec:
    spec = pb.BacktestSpec(
        strategy="trend",
        symbols=["BTCUSDT"],
        start_ms=START,
        end_ms=START + DAY,
        params={"timeframe": '"15m"', "fast": "3", "slow": "8"},
        settings={"capital": "0.5"},
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


async def test_run_streams_progress_then_the_stored_result(service: Service) -> None:
    assert service.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
        stub = backtest_pb2_grpc.BacktestServiceStub(channel)
        call = stub.RunBacktest(pb.RunBacktestRequest(spec=_spec()), metadata=_auth(TRADER))
        messages = [m async for m in call]
        kinds = [m.WhichOneof("payload") for m in messages]
        assert kinds[-1] == "result"
        assert kinds[:-1]
        assert set(kinds[:-1]) == {"progress"}
        assert messages[-2].progress.bars_done == messages[-2].progress.bars_total == 1440
        run = messages[-1].result
        assert run.strategy == "trend"
        assert "sharpe" in run.metrics
        assert json.loads(run.result_json)["bars"] == 1440

        got = await stub.GetBacktest(
            pb.GetBacktestRequest(run_id=run.run_id), metadata=_auth(READER)
        )
        assert got.run == run
        listed = await stub.ListBacktests(pb.ListBacktestsRequest(), metadata=_auth(READER))
        assert [r.run_id for r in listed.runs] == [run.run_id]
        assert listed.runs[0].result_json == ""

        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetBacktest(pb.GetBacktestRequest(run_id="nope"), metadata=_auth(READER))
        assert missing.value.code() is grpc.StatusCode.NOT_FOUND

        with pytest.raises(grpc.aio.AioRpcError) as reader:
            async for _ in stub.RunBacktest(
                pb.RunBacktestRequest(spec=_spec()), metadata=_auth(READER)
            ):
                pass
        assert reader.value.code() is grpc.StatusCode.PERMISSION_DENIED

        bad = _spec(end_ms=START - 1)
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            async for _ in stub.RunBacktest(
                pb.RunBacktestRequest(spec=bad), metadata=_auth(TRADER)
            ):
                pass
        assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT

        params = _spec()
        params.params["fast"] = '"x"'
        with pytest.raises(grpc.aio.AioRpcError) as invalid_param:
            async for _ in stub.RunBacktest(
                pb.RunBacktestRequest(spec=params), metadata=_auth(TRADER)
            ):
                pass
        assert (invalid_param.value.details() or "").startswith("params.fast")


async def test_walk_forward_streams_and_stores(service: Service) -> None:
    assert service.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
        stub = backtest_pb2_grpc.BacktestServiceStub(channel)
        request = pb.RunWalkForwardRequest(
            spec=_spec(end_ms=START + 3 * DAY),
            grid={"fast": "3,5"},
            train_days=1,
            test_days=1,
        )
        messages = [m async for m in stub.RunWalkForward(request, metadata=_auth(TRADER))]
        assert messages[-1].WhichOneof("payload") == "result"
        run = messages[-1].result
        assert run.kind == "walkforward"
        document = json.loads(run.result_json)
        assert len(document["windows"]) == 2
        assert {"in_sample", "out_of_sample", "degradation"} <= set(document)
