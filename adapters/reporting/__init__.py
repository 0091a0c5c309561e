"""Reports of performance: a self-contained HTML page, PNG charts, and series CSV input."""

from adapters.reporting.html_report import write_report
from adapters.reporting.series_io import read_equity_csv, read_returns_csv

__all__ = ["read_equity_csv", "read_returns_csv", "write_report"]
