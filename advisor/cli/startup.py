"""The start of every long-running or operator command (`serve`, `batch-worker`, `db upgrade`): the
settings read from the environment and checked, each unknown ADVISOR_* name warned about."""

import logging
import sys

from ..settings import Settings, SettingsError, read_settings, unknown_variables


def checked_settings(command: str, log: logging.Logger, **overrides: object) -> Settings | None:
    """The settings for `advisor COMMAND`; None, once the reason is printed naming the variable, when one
    cannot be used (the command then exits with EXIT_CONFIG)."""
    try:
        settings = read_settings(**overrides)
    except SettingsError as error:
        print(f"advisor {command}: {error}", file=sys.stderr)
        return None
    for warning in unknown_variables():
        log.warning(warning)
    return settings
