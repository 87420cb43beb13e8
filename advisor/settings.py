"""The one settings object: every value an operator may set, read from ADVISOR_* environment variables.

Validated when read: a bad value stops the program with the variable's name. Older names
(DATABASE_URL, SECRET_KEY, API_KEYS_REQUIRED) are still read, as documented aliases.
"""

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

UPLOAD_PATH = "/api/v1/batches"


def _env(name: str, *aliases: str) -> AliasChoices:
    return AliasChoices(name, f"ADVISOR_{name.upper()}", *aliases)


class Settings(BaseSettings):
    """What an operator may change without touching code (README, "Deploying", lists each variable)."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", populate_by_name=True, extra="ignore", frozen=True)

    # Folder for the SQLite file, the generated secret key and batch files.
    data_dir: Path = Field(Path("data"), validation_alias=_env("data_dir"))
    # SQLAlchemy URL; empty means the SQLite file data_dir/advisor.db.
    database_url: str = Field("", validation_alias=_env("database_url", "DATABASE_URL"))
    # Signs staff session cookies; several workers or hosts must share one.
    secret_key: str = Field("", validation_alias=_env("secret_key", "SECRET_KEY"), repr=False)
    # Every /api/v1 request needs a partner key.
    api_keys_required: bool = Field(False, validation_alias=_env("api_keys_required", "API_KEYS_REQUIRED"))
    # Origins allowed to call the API from a browser (e.g. the 蓉易享 platform); none by default.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_env("cors_origins"))
    # Request bodies larger than this are refused with 413 before they are read in full.
    max_body_bytes: int = Field(1_048_576, gt=0, validation_alias=_env("max_body_bytes"))
    # The same for registry uploads to /api/v1/batches (spooled to disk, not held in memory).
    max_upload_bytes: int = Field(256 * 1_048_576, gt=0, validation_alias=_env("max_upload_bytes"))
    # Registry screenings running at once, and worker processes for each (None: every core).
    batch_max_jobs: int = Field(2, ge=1, validation_alias=_env("batch_max_jobs"))
    batch_workers: int | None = Field(None, ge=0, validation_alias=_env("batch_workers"))
    # Origins that may show the pages in a frame (e.g. the 蓉易享 platform), comma-separated; none by default.
    frame_ancestors: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_env("frame_ancestors"))

    @field_validator("cors_origins", "frame_ancestors", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @property
    def sqlite_default(self) -> bool:
        """True when no database URL is set and the embedded SQLite file is used."""
        return not self.database_url.strip()


class SettingsError(ValueError):
    """An environment variable holds a value the program cannot use; the message names it."""


def read_settings() -> Settings:
    """Settings from the environment; raises SettingsError naming each bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        names = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "?"
            names.append(f"ADVISOR_{field.upper()}: {item['msg']}")
        raise SettingsError("; ".join(names)) from None


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return read_settings()
