"""Logs as JSON lines on stderr, for every long-running command (`advisor serve`, `advisor batch-worker`).

A line holds the time, level, logger and message, and the fields a record was given with `extra=`
among FIELDS: a request's id, method, path, route, status, duration and partner key's name; a batch
job's id, attempt, state, row counts and duration. Never an answer, a name, a contact, a key or SQL
parameters: a traceback's message is kept only when it cannot quote a database's values. Under
systemd the lines go to the journal, under Docker to its log driver.
"""

import json
import logging
import logging.config
import traceback
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError

# The only record attributes that reach a line besides the message (set with `extra=`).
FIELDS = ("request_id", "method", "path", "route", "status", "duration_ms", "api_client",
          "job_id", "attempt", "state", "rows", "screened", "failed", "seconds", "worker")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the known fields and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

    def formatException(self, ei: Any) -> str:
        """The traceback's frames and a message that never quotes a database's values."""
        _, error, trace = ei
        return "Traceback (most recent call last):\n" + "".join(traceback.format_tb(trace)) + _safe_message(error)


def _safe_message(error: BaseException) -> str:
    if isinstance(error, DBAPIError):
        # The database's own detail quotes values ("Key (key_hash)=(…) already exists"): keep its kind,
        # SQLSTATE and the statement, drop the rest (and the chained driver error that repeats it).
        state = getattr(error.orig, "sqlstate", None)
        return f"{type(error).__name__}: {type(error.orig).__name__} (SQLSTATE {state}) [SQL: {error.statement}]"
    return "".join(traceback.format_exception_only(type(error), error)).rstrip()


def log_config(level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """logging.config.dictConfig: every logger of the program as JSON lines on stderr.

    uvicorn's own access log is off: web.middleware.layer.RequestLayer writes a line with the request id and
    without the query string; `access_log=False` (--no-access-log) turns that off too."""
    to_json = {"handlers": ["json"], "propagate": False, "level": level.upper()}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "advisor.logs.JsonFormatter"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": to_json, "advisor": to_json, "web": to_json,
                    "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
                    "advisor.access": {**to_json, "level": "INFO" if access_log else "WARNING"}},
    }


def configure(level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """Send this process's logs to stderr as JSON lines; the configuration (for uvicorn's workers too)."""
    config = log_config(level, access_log)
    logging.config.dictConfig(config)
    return config
