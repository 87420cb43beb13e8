"""The one settings object: every value an operator may set, read from ADVISOR_* environment variables.

Validated when read: a bad value stops the program with the variable's name. Older names
(DATABASE_URL, SECRET_KEY, API_KEYS_REQUIRED) are still read, as documented aliases.
"""

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Paths that take registry uploads (up to ADVISOR_MAX_UPLOAD_BYTES): batches, simulations and the staff page
# that submits simulations.
UPLOAD_PATH = ("/api/v1/batches", "/api/v1/simulations", "/staff/admin/simulations")


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
    # Registry screenings queued or running at once over all hosts, and worker processes for each (None: every core).
    batch_max_jobs: int = Field(2, ge=1, validation_alias=_env("batch_max_jobs"))
    batch_workers: int | None = Field(None, ge=0, validation_alias=_env("batch_workers"))
    # Uploads and result files of batch jobs; shared storage (NFS, a mounted volume) when several hosts
    # serve the API. Empty means data_dir/batches.
    batch_dir: Path | None = Field(None, validation_alias=_env("batch_dir"))
    # Finished batch jobs (their rows, uploads and results) are removed after this many days.
    batch_retention_days: int = Field(30, ge=1, validation_alias=_env("batch_retention_days"))
    # A batch worker beats this often; a job whose worker missed three beats is retried or failed.
    batch_heartbeat_seconds: float = Field(10.0, gt=0, validation_alias=_env("batch_heartbeat_seconds"))
    # Runs of one job in all (a job whose worker died is started again from the first row until then).
    batch_max_attempts: int = Field(2, ge=1, validation_alias=_env("batch_max_attempts"))
    # A job that reads no block for this long fails instead of holding its slot.
    batch_stall_seconds: float = Field(600.0, gt=0, validation_alias=_env("batch_stall_seconds"))
    # Result files of one job may not grow past this: the job fails with the reason (1 GiB by default).
    batch_max_output_bytes: int = Field(1 << 30, gt=0, validation_alias=_env("batch_max_output_bytes"))
    # A Dask scheduler (tcp://HOST:PORT) that batch jobs screen on; empty: the worker host's own cores.
    batch_scheduler: str = Field("", validation_alias=_env("batch_scheduler"))
    # Hosts a job's completion webhook may be sent to, comma-separated ("push.example.cn", or "*.example.cn"
    # for its subdomains); none by default, so a key holder cannot make the server call into its own network.
    webhook_hosts: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_env("webhook_hosts"))
    # Origins that may show the pages in a frame (e.g. the 蓉易享 platform), comma-separated; none by default.
    frame_ancestors: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_env("frame_ancestors"))
    # --- Many hosts, one database (README, "Many hosts, one database") ---
    # How many hosts serve this database; above 1, ADVISOR_SECRET_KEY is required (cookies must verify anywhere).
    hosts: int = Field(1, ge=1, validation_alias=_env("hosts"))
    # Seconds a worker trusts its copy of the API keys: a key revoked on another host stops working within it.
    api_key_cache_seconds: float = Field(5.0, ge=0, le=3600, validation_alias=_env("api_key_cache_seconds"))
    # Findings each worker process remembers by the answers they depend on (advisor/memo.py), about
    # 10 KB each: more saves CPU for a district's many similar enterprises, fewer saves memory.
    memo_findings: int = Field(8000, ge=1, le=1_000_000, validation_alias=_env("memo_findings"))
    # Seconds between writes of the per-key request counts (and at shutdown): no write per request.
    api_key_flush_seconds: float = Field(10.0, gt=0, le=3600, validation_alias=_env("api_key_flush_seconds"))
    # Requests to /api/v1 per partner key and per client address without a key, e.g. "600/minute"
    # ("N/second|minute|hour|day", several joined with ";"); empty means no limit. Counted per worker
    # process with the default memory storage; a redis:// storage URI shares them between hosts.
    rate_limit_keyed: str = Field("6000/minute", validation_alias=_env("rate_limit_keyed"))
    rate_limit_anonymous: str = Field("1200/minute", validation_alias=_env("rate_limit_anonymous"))
    rate_limit_storage: str = Field("memory://", validation_alias=_env("rate_limit_storage"))
    # Proxy addresses whose X-Forwarded-For/-Proto headers are believed (uvicorn's --forwarded-allow-ips).
    forwarded_allow_ips: str = Field("127.0.0.1", validation_alias=_env("forwarded_allow_ips"))

    @field_validator("cors_origins", "frame_ancestors", "webhook_hosts", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @field_validator("rate_limit_keyed", "rate_limit_anonymous")
    @classmethod
    def _parse_limit(cls, value: str) -> str:
        from limits import parse_many

        if value.strip():
            try:
                parse_many(value)
            except ValueError:
                raise ValueError(f"not a rate limit such as 600/minute: {value!r}") from None
        return value.strip()

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        from limits.storage import SCHEMES

        scheme = value.strip().split("://", 1)[0]
        if "://" not in value or scheme.removeprefix("async+") not in SCHEMES:
            raise ValueError(f"not a storage URI of the limits library (memory://, redis://HOST:6379, ...): {value!r}")
        return value.strip()

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


def deployment_problems(settings: Settings, workers: int) -> list[str]:
    """Warnings for a deployment that works but may surprise; raises SettingsError for one that cannot work.

    Staff session cookies are signed with ADVISOR_SECRET_KEY, or else with a key generated into this
    host's data folder: several workers that race to create it, or several hosts with a key each,
    would refuse each other's cookies, so both need ADVISOR_SECRET_KEY.
    """
    shared = bool(settings.secret_key.strip())
    if not shared and workers > 1:
        raise SettingsError(f"ADVISOR_SECRET_KEY: required with more than one worker (--workers {workers}); "
                            "set the same long random value on every worker and host")
    if not shared and settings.hosts > 1:
        raise SettingsError(f"ADVISOR_SECRET_KEY: required with ADVISOR_HOSTS={settings.hosts}; "
                            "set the same long random value on every host")
    warnings = []
    if not shared and not settings.sqlite_default:
        warnings.append("ADVISOR_SECRET_KEY is not set: staff cookies are signed with this host's data/secret_key, "
                        "so another host on the same database will not verify them (staff would have to log in "
                        "again on each host); set ADVISOR_SECRET_KEY on every host")
    return warnings
