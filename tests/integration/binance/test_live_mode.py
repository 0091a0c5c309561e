"""The whole service in live mode, in process, against the fake Binance."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.fake_binance.server import DEFAULT_ACCOUNT_ID, FakeBinance
from entrypoints.runtime import Service, StartupError
from entrypoints.settings import BinanceSettings, Settings, TokenGrant
from tests.integration.binance.conftest import KEY, SECRET


def live(fake: FakeBinance, tmp_path: Path) -> Settings:
    return Settings(
        mode="live",
        data_dir=tmp_path,
        grpc_port=0,
        metrics_port=0,
        dashboard_port=0,
        binance=BinanceSettings(
            api_key=SecretStr(KEY), api_secret=SecretStr(SECRET), rest_url=fake.url
        ),
        tokens=[TokenGrant(name="ops", role="live", token=SecretStr("live-token-0123456789"))],
    )


async def test_a_confirmation_for_another_account_refuses_to_start(
    fake: FakeBinance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTRADER_LIVE_CONFIRM", "1")
    service = Service(live(fake, tmp_path))
    with pytest.raises(StartupError, match="does not match the account id"):
        await service.start()
    await service.stop(0)
    assert ("POST", "/fapi/v1/order") not in fake.requests


async def test_every_switch_set_starts_and_reconciles(
    fake: FakeBinance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTRADER_LIVE_CONFIRM", str(DEFAULT_ACCOUNT_ID))
    service = Service(live(fake, tmp_path))
    try:
        await service.start()
        assert service.container.exchange().venue == "binance"
        assert ("GET", "/api/v3/account") in fake.requests  # the account id was checked
        assert ("GET", "/fapi/v1/openOrders") in fake.requests  # reconciled at start
    finally:
        await service.stop(0)


async def test_start_applies_leverage_and_margin_mode(
    fake: FakeBinance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTRADER_LIVE_CONFIRM", str(DEFAULT_ACCOUNT_ID))
    settings = live(fake, tmp_path).model_copy(update={"leverage": 7, "margin_mode": "ISOLATED"})
    service = Service(settings)
    try:
        await service.start()
        assert fake.account.leverage["BTCUSDT"] == 7
        assert fake.account.margin_type["ETHUSDT"] == "ISOLATED"
    finally:
        await service.stop(0)
