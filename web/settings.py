"""Settings of the web app, read from the environment (ADVISOR_*) with safe defaults."""

import os
from dataclasses import dataclass, field

DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_MAX_UPLOAD_BYTES = 256 * 1_048_576
UPLOAD_PATH = "/api/v1/batches"


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    """What an operator may change without touching code."""

    # Origins allowed to call the API from a browser (e.g. the 蓉易享 platform); none by default.
    cors_origins: tuple[str, ...] = ()
    # Request bodies larger than this are refused with 413 before they are read in full.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # The same for registry uploads to /api/v1/batches (spooled to disk, not held in memory).
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Settings from ADVISOR_CORS_ORIGINS (comma-separated), ADVISOR_MAX_BODY_BYTES, ADVISOR_MAX_UPLOAD_BYTES.

        The database is chosen by advisor.storage (DATABASE_URL); other ADVISOR_* values are kept in `extra`.
        """
        env = dict(os.environ if environ is None else environ)
        return cls(
            cors_origins=_split(env.get("ADVISOR_CORS_ORIGINS", "")),
            max_body_bytes=int(env.get("ADVISOR_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
            max_upload_bytes=int(env.get("ADVISOR_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)),
            extra={key: value for key, value in env.items() if key.startswith("ADVISOR_")},
        )
