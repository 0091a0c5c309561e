"""Who is calling: the token's name that the auth interceptor binds for the call."""

from __future__ import annotations

import structlog

ANONYMOUS = "anonymous"


def current_principal() -> str:
    """Return the calling token's name, or "anonymous" when no tokens are configured."""
    return str(structlog.contextvars.get_contextvars().get("principal") or ANONYMOUS)
