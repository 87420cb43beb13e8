"""Storage tests run on a fresh SQLite file and on a throw-away PostgreSQL server."""

from tests.pgserver import db_url, pg_server  # noqa: F401  (fixtures)
