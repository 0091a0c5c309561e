"""Configuration: defaults < YAML file (--config) < AUTOTRADER_* environment < flags.

The defaults are the embedded paper setup: SQLite in the data directory, the
in-process cache and event bus, and the simulated exchange. Nothing here can
place a real order: live trading needs several separate switches.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

Mode = Literal["paper", "testnet", "live"]
RoleName = Literal["read", "trade", "admin", "live"]


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("autotrader", appauthor=False))


class TokenGrant(BaseModel):
    """A bearer token and the role it grants."""

    name: str = Field(min_length=1)
    role: RoleName
    token: SecretStr

    @field_validator("token")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("tokens must be at least 16 characters")
        return value


class PaperSettings(BaseModel):
    """The simulated exchange used in paper mode."""

    starting_balance: Decimal = Field(default=Decimal(10_000), gt=0)
    symbols: list[str] = Field(default_factory=lambda: ["BTCUSDT", "ETHUSDT"], min_length=1)
    seed: int = 7
    tick_interval_ms: int = Field(default=1000, ge=10)
    maker_fee: Decimal = Field(default=Decimal("0.0002"), ge=0, lt=Decimal("0.01"))
    taker_fee: Decimal = Field(default=Decimal("0.0005"), ge=0, lt=Decimal("0.01"))
    slippage_bps: Decimal = Field(default=Decimal(1), ge=0, le=100)
    funding_rate: Decimal = Field(default=Decimal("0.0001"), gt=-1, lt=1)
    max_fill_qty: Decimal | None = Field(default=None, gt=0)
    # Where the venue's prices and the strategies' candles come from: `replay` (the seeded
    # price path; 1m candles are built from its ticks), `synthetic` (the synthetic candle
    # generator from now on) or `candles` (1m candles stored by `autotrader data ...`).
    # With synthetic/candles, one minute of candles is replayed per tick interval.
    feed: Literal["replay", "synthetic", "candles"] = "replay"
    # synthetic/candles: minutes replayed at full speed, without trading, before pacing.
    warmup_minutes: int = Field(default=0, ge=0, le=1_000_000)
    # candles: the first stored minute to replay (ms); default: a week before the last.
    candles_start_ms: int | None = Field(default=None, ge=0)
    # Account snapshots into `account_snapshots`, every this many minutes of candle time.
    snapshot_minutes: int = Field(default=60, ge=1)


class TelemetrySettings(BaseModel):
    """Tracing export: none by default, console locally, OTLP in production."""

    exporter: Literal["none", "console", "otlp-grpc", "otlp-http"] = "none"
    endpoint: str | None = None  # the exporter's default when unset (localhost:4317 / :4318)
    headers: SecretStr | None = None  # "key=value,key2=value2", e.g. a vendor's API key
    service_name: str = "autotrader"
    sample_ratio: float = Field(default=1.0, ge=0, le=1)


class StorageSettings(BaseModel):
    """Redis caching, the event relay and leadership (used when redis_url is set)."""

    mark_ttl_ms: int = Field(default=60_000, ge=1000)  # a mark nobody refreshes expires
    snapshot_ttl_ms: int = Field(default=3_600_000, ge=1000)  # account/position snapshots
    relay_poll_ms: int = Field(default=500, ge=10)  # journal poll when nothing wakes the relay
    # One instance trades an account; others wait as standbys (needs redis_url).
    leader_lock: bool = False
    account: str = Field(default="default", min_length=1, max_length=64)
    leader_ttl_ms: int = Field(default=3000, ge=300)  # takeover within ~4/3 of this
    instance_id: str | None = None  # default: host name and process id
    health_interval_ms: int = Field(default=1000, ge=50)
    # Candles on PostgreSQL: "auto" uses the COPY/numpy store on md_candles (TimescaleDB
    # when installed); "sql" keeps the generic SQL store on `candles`.
    candle_store: Literal["auto", "sql"] = "auto"


class BinanceSettings(BaseModel):
    """Binance USDⓈ-M for the testnet and live modes.

    Keys come from AUTOTRADER_BINANCE__API_KEY / __API_SECRET or from files
    (api_key_file / api_secret_file, e.g. Docker or Kubernetes secrets). The URL
    overrides point the adapter elsewhere (the fake Binance, a proxy); testnet
    defaults to Binance's demo endpoints, live to Binance's own.
    """

    api_key: SecretStr | None = None
    api_secret: SecretStr | None = None
    api_key_file: Path | None = None
    api_secret_file: Path | None = None
    rest_url: str | None = None
    spot_rest_url: str | None = None
    ws_url: str | None = None
    symbols: list[str] = Field(default_factory=lambda: ["BTCUSDT", "ETHUSDT"], min_length=1)
    recv_window_ms: int = Field(default=5_000, ge=1, le=60_000)
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_retries: int = Field(default=4, ge=0, le=20)
    reconcile_interval_s: float = Field(default=30.0, ge=1)

    def key_and_secret(self) -> tuple[SecretStr | None, SecretStr | None]:
        """Return the API key and secret, read from their files when not given directly."""
        return _secret(self.api_key, self.api_key_file), _secret(
            self.api_secret, self.api_secret_file
        )


def _secret(value: SecretStr | None, path: Path | None) -> SecretStr | None:
    if value is not None:
        return value
    if path is None or not path.is_file():
        return None
    text = path.read_text().strip()
    return SecretStr(text) if text else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AUTOTRADER_", env_nested_delimiter="__", extra="forbid"
    )

    mode: Mode = "paper"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: SecretStr | None = None
    redis_url: SecretStr | None = None

    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(default=50051, ge=0, le=65535)
    tokens: list[TokenGrant] = Field(default_factory=list)
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    tls_client_ca_file: Path | None = None

    leverage: int = Field(default=10, ge=1, le=125)
    margin_mode: Literal["CROSS", "ISOLATED"] = "CROSS"
    paper: PaperSettings = Field(default_factory=PaperSettings)
    binance: BinanceSettings = Field(default_factory=BinanceSettings)
    # Risk limits at start (default: the packaged config/risk_limits.yaml); limits changed
    # at run time are stored in the database and win over this file after a restart.
    risk_limits_file: Path | None = None
    # Strategies, regime detector and allocator (default: the packaged
    # config/strategies.yaml); start/stop and parameter changes are stored in the
    # database and win over this file after a restart.
    strategies_file: Path | None = None

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"

    telemetry: TelemetrySettings = Field(default_factory=TelemetrySettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    # Prometheus /metrics and the read-only dashboard; port 0 turns each one off.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = Field(default=8080, ge=0, le=65535)

    @property
    def database(self) -> str:
        """Return the database URL, defaulting to SQLite in the data directory."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{self.data_dir / 'autotrader.db'}"

    def redacted(self) -> dict[str, Any]:
        """Return the settings as a dict with every secret masked."""
        return self.model_dump(mode="json")  # SecretStr dumps as '**********'


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from an optional YAML file, the environment and explicit overrides."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if config_file is None:
        return Settings(**overrides)
    if not config_file.is_file():
        raise FileNotFoundError(f"config file not found: {config_file}")

    class _FromYaml(Settings):
        model_config = SettingsConfigDict(**{**Settings.model_config, "yaml_file": config_file})

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            yaml = YamlConfigSettingsSource(settings_cls)
            return (init_settings, env_settings, yaml, file_secret_settings)

    return _FromYaml(**overrides)
