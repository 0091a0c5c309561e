"""Observability served by the service: Prometheus /metrics and the live dashboard."""
