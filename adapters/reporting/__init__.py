"""Reports of performance: a self-contained HTML page, PNG charts, and series CSV input."""

from adapters.reporting.html_report import write_report

__all__ = ["write_report"]
