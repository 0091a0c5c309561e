"""SQLAlchemy Core storage: SQLite (aiosqlite) and PostgreSQL (asyncpg) through one code path."""
