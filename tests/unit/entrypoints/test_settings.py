"""Configuration precedence: defaults < YAML file < AUTOTRADER_* environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from entrypoints.settings import load_settings


def test_the_default_is_paper_on_sqlite_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTOTRADER_MODE", raising=False)
    settings = load_settings(data_dir=tmp_path)
    assert settings.mode == "paper"
    assert settings.grpc_host == "127.0.0.1"
    assert settings.database == f"sqlite+aiosqlite:///{tmp_path / 'autotrader.db'}"
    assert settings.tokens == []


def test_environment_beats_the_file_and_flags_beat_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "autotrader.yaml"
    config.write_text(
        "grpc_port: 6000\nleverage: 5\npaper:\n  starting_balance: 2500\n  seed: 3\n"
        "tokens:\n  - {name: desk, role: trade, token: a-very-long-trade-token}\n"
    )
    monkeypatch.setenv("AUTOTRADER_LEVERAGE", "7")
    monkeypatch.setenv("AUTOTRADER_PAPER__SEED", "11")
    settings = load_settings(config, grpc_port=7000)
    assert settings.grpc_port == 7000  # flag
    assert settings.leverage == 7  # environment over file
    assert settings.paper.seed == 11  # nested environment variable
    assert str(settings.paper.starting_balance) == "2500"  # file
    assert [(t.name, t.role) for t in settings.tokens] == [("desk", "trade")]


def test_secrets_are_masked_when_settings_are_shown(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        database_url="postgresql+asyncpg://trader:hunter2@db/autotrader",
        tokens=[{"name": "ops", "role": "admin", "token": "s3cret-admin-token-xyz"}],
    )
    shown = str(settings.redacted())
    assert "hunter2" not in shown
    assert "s3cret-admin-token-xyz" not in shown


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grpc_port": 70000}, "grpc_port"),
        ({"mode": "yolo"}, "mode"),
        ({"tokens": [{"name": "x", "role": "read", "token": "short"}]}, "token"),
        ({"leverage": 0}, "leverage"),
    ],
)
def test_bad_values_are_refused_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings(**overrides)
    assert field in str(caught.value)


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml")
