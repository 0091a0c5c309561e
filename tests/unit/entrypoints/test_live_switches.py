"""Live trading needs every switch; each missing one is named, and no secret is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.binance.config import TESTNET_REST
from entrypoints.binance_venue import (
    LiveModeRefused,
    binance_config,
    check_live_switches,
    confirm_account,
    missing_live_switches,
)
from entrypoints.settings import BinanceSettings, Settings, TokenGrant

SECRET = "binance-secret-never-shown"


def live_settings(**changes: object) -> Settings:
    values: dict[str, object] = {
        "mode": "live",
        "binance": BinanceSettings(api_key=SecretStr("k" * 20), api_secret=SecretStr(SECRET)),
        "tokens": [TokenGrant(name="ops", role="live", token=SecretStr("t" * 20))],
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


CONFIRMED = {"AUTOTRADER_LIVE_CONFIRM": "42"}


def test_all_switches_set_means_nothing_missing() -> None:
    assert missing_live_switches(live_settings(), CONFIRMED) == []
    check_live_switches(live_settings(), CONFIRMED)


@pytest.mark.parametrize(
    ("settings", "environ", "named"),
    [
        (live_settings(mode="testnet"), CONFIRMED, "mode: live"),
        (live_settings(binance=BinanceSettings()), CONFIRMED, "Binance API keys"),
        (
            live_settings(tokens=[TokenGrant(name="t", role="admin", token=SecretStr("a" * 20))]),
            CONFIRMED,
            "'live' role",
        ),
        (live_settings(), {}, "AUTOTRADER_LIVE_CONFIRM"),
    ],
)
def test_each_missing_switch_is_named(
    settings: Settings, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(LiveModeRefused) as refused:
        check_live_switches(settings, environ)
    assert named in str(refused.value)
    assert SECRET not in str(refused.value)


def test_the_confirmation_must_repeat_the_exchange_account_id() -> None:
    confirm_account("42", CONFIRMED)
    with pytest.raises(LiveModeRefused, match="does not match"):
        confirm_account("43", CONFIRMED)


def test_keys_can_come_from_secret_files(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("file-key\n")
    (tmp_path / "secret").write_text(SECRET + "\n")
    binance = BinanceSettings(api_key_file=tmp_path / "key", api_secret_file=tmp_path / "secret")
    settings = live_settings(binance=binance)
    assert missing_live_switches(settings, CONFIRMED) == []
    config = binance_config(settings)
    assert config.api_secret.get_secret_value() == SECRET
    assert SECRET not in repr(config)


def test_testnet_defaults_to_binance_demo_endpoints_and_overrides_win() -> None:
    assert binance_config(live_settings(mode="testnet")).rest_url == TESTNET_REST
    local = BinanceSettings(
        api_key=SecretStr("k"), api_secret=SecretStr("s"), rest_url="http://127.0.0.1:9"
    )
    assert binance_config(live_settings(mode="testnet", binance=local)).rest_url == (
        "http://127.0.0.1:9"
    )
    assert binance_config(live_settings()).rest_url is None  # live: Binance's own hosts


def test_redacted_settings_mask_the_keys() -> None:
    shown = live_settings().redacted()
    assert shown["binance"]["api_secret"] == "**********"
    assert SECRET not in str(shown)
