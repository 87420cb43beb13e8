"""Settings of the web app, read from the environment (ADVISOR_*) with safe defaults."""

import os
from dataclasses import dataclass, field

DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_DATABASE_URL = "sqlite:///advisor.db"


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    """What an operator may change without touching code."""

    # Origins allowed to call the API from a browser (e.g. the 蓉易享 platform); none by default.
    cors_origins: tuple[str, ...] = ()
    # Request bodies larger than this are refused with 413 before they are read in full.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # Where the embedded database lives (used by the staff and batch modules).
    database_url: str = DEFAULT_DATABASE_URL
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Settings from ADVISOR_CORS_ORIGINS (comma-separated), ADVISOR_MAX_BODY_BYTES, ADVISOR_DATABASE_URL."""
        env = dict(os.environ if environ is None else environ)
        return cls(
            cors_origins=_split(env.get("ADVISOR_CORS_ORIGINS", "")),
            max_body_bytes=int(env.get("ADVISOR_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
            database_url=env.get("ADVISOR_DATABASE_URL", DEFAULT_DATABASE_URL),
            extra={key: value for key, value in env.items() if key.startswith("ADVISOR_")},
        )
