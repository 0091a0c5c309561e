"""With Redis, the outbox relay's lag behind the journal is exported as the outbox backlog."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.monitoring.component import MonitoringComponent
from tests.integration.storage.conftest import PrivateRedis
from tests.integration.storage.test_service_storage import (
    eventually,
    market,
    pg_database,
    running,
    settings,
)

__all__ = ["pg_database"]


@pytest.mark.postgres
@pytest.mark.redis
async def test_outbox_backlog_is_exported_and_drains(
    tmp_path: Path, pg_database: tuple[str, str], private_redis: PrivateRedis
) -> None:
    url = f"{pg_database[0]}/{pg_database[1]}"
    config = settings(tmp_path, database_url=url, redis_url=private_redis.url)
    async with running(config) as (service, trading, _):
        [monitoring] = [c for c in service.components if isinstance(c, MonitoringComponent)]
        assert monitoring.metrics is not None
        metrics = monitoring.metrics
        for _ in range(3):
            await trading.SubmitOrder(market())

        async def drained() -> bool:
            backlog = metrics.registry.get_sample_value("autotrader_outbox_backlog")
            events = metrics.registry.get_sample_value(
                "autotrader_events_total", {"kind": "fill.recorded"}
            )
            return backlog == 0 and events == 3

        assert await eventually(drained)
        assert service.container.outbox_relay().position is not None
