"""Prometheus metrics adapter."""
