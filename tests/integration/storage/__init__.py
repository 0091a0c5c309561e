"""Production storage against the real PostgreSQL and Redis servers (issue 7)."""
