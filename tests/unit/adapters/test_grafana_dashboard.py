"""The Grafana dashboard only queries metrics the service exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from adapters.prometheus.metrics import PrometheusMetrics

DASHBOARD = Path(__file__).resolve().parents[3] / "deployment" / "grafana" / "autotrader.json"
_SUFFIX = re.compile(r"_(bucket|count|sum|total|created)$")


def test_every_queried_metric_is_exported() -> None:
    document = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in document["panels"] for target in panel.get("targets", [])]
    queried = {_SUFFIX.sub("", name) for e in exprs for name in re.findall(r"autotrader_\w+", e)}
    exported = {family.name for family in PrometheusMetrics().registry.collect()}
    assert queried
    assert queried <= exported, queried - exported
    assert {"autotrader_order_ack_seconds", "autotrader_outbox_backlog"} <= queried
