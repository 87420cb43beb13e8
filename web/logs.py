"""Access logs without profile data.

The self-check pages keep the answers in the URL (so a result can be saved as a link) and the
staff search carries credit codes and names: the query string never reaches the log.
"""

import logging


class DropQueryString(logging.Filter):
    """Cuts the query string from uvicorn's access-log records (args: client, method, path, ...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def keep_profiles_out_of_logs() -> None:
    """Install the filter on uvicorn's access logger (once per process)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, DropQueryString) for existing in logger.filters):
        logger.addFilter(DropQueryString())
