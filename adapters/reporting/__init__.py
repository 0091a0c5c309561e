"""Reports of performance.

`html_report.write_report` writes a self-contained HTML page and PNG charts (needs
matplotlib); `series_io.read_equity_csv` and `read_returns_csv` read a user's series.
Nothing is imported here, so reading a CSV does not pay for, or require, matplotlib.
"""
