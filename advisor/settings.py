"""The one settings object: every value an operator may set, read from ADVISOR_* environment variables.

Validated when read: a bad value stops the program with the variable's name (and never echoes a
password or key). Older names (DATABASE_URL, SECRET_KEY, API_KEYS_REQUIRED) are still read, as
documented aliases. `create_app(Settings(...))`, the database engine, the cookie secret and the batch
workers a server starts all take their values from one Settings object; only the command line reads
the environment (`read_settings`).
"""

import difflib
import importlib.util
import ipaddress
import os
import re
import urllib.parse
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Paths that take registry uploads (up to ADVISOR_MAX_UPLOAD_BYTES): batches, simulations and the staff page
# that submits simulations.
UPLOAD_PATH = ("/api/v1/batches", "/api/v1/simulations", "/staff/admin/simulations")
PREFIX = "ADVISOR_"
# ADVISOR_* names that are not settings of the service but are read elsewhere (the browser tests).
OTHER_VARIABLES = frozenset({"ADVISOR_SCREENSHOTS"})
# Rate-limit storages the service supports: in-process memory, or a Redis server (the [redis] extra).
RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+unix")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _env(name: str, *aliases: str) -> AliasChoices:
    return AliasChoices(name, f"{PREFIX}{name.upper()}", *aliases)


def _csv(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


def _origin(value: str, wildcard_hosts: bool) -> str:
    """An origin (scheme://host[:port]) as browsers send it, lower-cased; raises ValueError."""
    if value == "*":
        return value
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"not an origin such as https://rongyixiang.example: {value!r}") from None
    host = parts.hostname or ""
    bare = host.removeprefix("*.") if wildcard_hosts else host
    if (parts.scheme not in ("http", "https") or not host_name_ok(bare) or parts.username is not None
            or parts.path or parts.query or parts.fragment or "\\" in value):
        raise ValueError(f"not an origin such as https://rongyixiang.example (scheme and host, no path, no "
                         f"trailing slash): {value!r}")
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def host_name_ok(host: str) -> bool:
    """Whether `host` is a DNS name or an IP address literal (no port, no user, no path)."""
    host = host.lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return 0 < len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


class Settings(BaseSettings):
    """What an operator may change without touching code (README, "Deploying", lists each variable)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, populate_by_name=True, extra="ignore", frozen=True)

    # Folder for the SQLite file, the generated secret key and batch files.
    data_dir: Path = Field(Path("data"), validation_alias=_env("data_dir"))
    # SQLAlchemy URL (sqlite:///PATH or postgresql+psycopg://…); empty means the SQLite file data_dir/advisor.db.
    database_url: str = Field("", validation_alias=_env("database_url", "DATABASE_URL"), repr=False)
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
    # --- Slow and oversized requests, refused by the app server itself (nginx refuses them too) ---
    # A request line and headers larger than this get 431 (nginx's large_client_header_buffers is 4 × 8k).
    max_header_bytes: int = Field(32_768, ge=1024, le=1_048_576, validation_alias=_env("max_header_bytes"))
    # A request whose line and headers have not all arrived this long after its first byte gets 408.
    header_timeout_seconds: float = Field(20.0, gt=0, le=600, validation_alias=_env("header_timeout_seconds"))
    # A request body that sends nothing for this long gets 408 (between two reads, like nginx's client_body_timeout).
    body_timeout_seconds: float = Field(60.0, gt=0, le=3600, validation_alias=_env("body_timeout_seconds"))
    # An idle keep-alive connection is closed after this (nginx's upstream keepalive_timeout is set below it).
    keep_alive_seconds: int = Field(5, ge=1, le=600, validation_alias=_env("keep_alive_seconds"))
    # Open connections and requests of one worker process beyond which new requests get 503.
    limit_concurrency: int = Field(1000, ge=1, validation_alias=_env("limit_concurrency"))
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
    # Requests to /api/v1 per partner key and per client address without a valid key, e.g. "600/minute"
    # ("N/second|minute|hour|day", several joined with ";"); empty means no limit. Counted per worker
    # process with the default memory storage; a redis:// storage URI shares them between workers and hosts.
    rate_limit_keyed: str = Field("6000/minute", validation_alias=_env("rate_limit_keyed"))
    rate_limit_anonymous: str = Field("1200/minute", validation_alias=_env("rate_limit_anonymous"))
    rate_limit_storage: str = Field("memory://", validation_alias=_env("rate_limit_storage"), repr=False)
    # Proxy addresses or networks whose X-Forwarded-For/-Proto headers are believed (uvicorn's
    # --forwarded-allow-ips), comma-separated; "*" believes anyone, so a client could pick its own address.
    forwarded_allow_ips: str = Field("127.0.0.1", validation_alias=_env("forwarded_allow_ips"))

    @field_validator("cors_origins", "frame_ancestors", "webhook_hosts", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return _csv(value)

    @field_validator("cors_origins")
    @classmethod
    def _cors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_origin(item, wildcard_hosts=False) for item in value)

    @field_validator("frame_ancestors")
    @classmethod
    def _ancestors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "*" in value:
            raise ValueError("'*' would let any site frame the pages; list the origins")
        return tuple(_origin(item, wildcard_hosts=True) for item in value)

    @field_validator("webhook_hosts")
    @classmethod
    def _webhook_hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        hosts = tuple(item.lower() for item in value)
        for host in hosts:
            if not host_name_ok(host.removeprefix("*.")):
                raise ValueError(f"not a host name such as push.example.cn or *.example.cn (no scheme, port or "
                                 f"path): {host!r}")
        return hosts

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        url = value.strip()
        if not url:
            return url
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the dialect and driver spelled out.
        if scheme in ("postgres", "postgresql"):
            url, scheme = "postgresql+psycopg://" + url.split("://", 1)[1], "postgresql+psycopg"
        if scheme == "postgresql+psycopg":
            if importlib.util.find_spec("psycopg") is None:
                raise ValueError("PostgreSQL needs the postgres extra: pip install 'qingyang-advisor[postgres]'")
        elif scheme not in ("sqlite", "sqlite+pysqlite"):
            # The URL is not repeated: it may hold a password.
            raise ValueError(f"the scheme {scheme or '(none)'!r} is not supported: use sqlite:///PATH or "
                             "postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME")
        try:
            from sqlalchemy.engine import make_url

            make_url(url)
        except Exception:
            raise ValueError("not a database URL such as postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME") from None
        return url

    @field_validator("batch_scheduler")
    @classmethod
    def _scheduler(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        try:
            parts = urllib.parse.urlsplit(value)
            port = parts.port
        except ValueError:
            port = None
            parts = urllib.parse.urlsplit("")
        if parts.scheme not in ("tcp", "tls") or not host_name_ok(parts.hostname or "") or port is None \
                or parts.path not in ("", "/"):
            raise ValueError(f"not a Dask scheduler address such as tcp://HOST:8786: {value!r}")
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
        uri = value.strip().removeprefix("async+")
        scheme = uri.split("://", 1)[0] if "://" in uri else ""
        if scheme not in RATE_LIMIT_SCHEMES:
            # Only the scheme is repeated: a redis:// URI may hold a password.
            raise ValueError(f"the storage {scheme or '(none)'!r} is not supported: use memory:// (one count per "
                             "worker process) or redis://HOST:6379 (shared by every worker and host)")
        if scheme != "memory" and importlib.util.find_spec("redis") is None:
            raise ValueError("a Redis storage needs the redis extra: pip install 'qingyang-advisor[redis]'")
        return uri

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, value: str) -> str:
        items = [item.strip() for item in value.split(",") if item.strip()]
        if items == ["*"]:
            return "*"
        for item in items:
            try:  # as uvicorn reads them: an address, or a network with no host bits (172.30.0.0/24)
                ipaddress.ip_network(item) if "/" in item else ipaddress.ip_address(item)
            except ValueError:
                raise ValueError(f"not an IP address or network such as 127.0.0.1 or 172.30.0.0/24 (or '*' "
                                 f"alone): {item!r}") from None
        if not items:
            raise ValueError("empty: name the proxy's address, e.g. 127.0.0.1")
        return ",".join(items)

    @property
    def sqlite_default(self) -> bool:
        """True when no database URL is set and the embedded SQLite file is used."""
        return not self.database_url

    @property
    def resolved_database_url(self) -> str:
        """The database URL the service uses: the one set, else the SQLite file data_dir/advisor.db."""
        return self.database_url or f"sqlite:///{self.data_dir / 'advisor.db'}"

    def environment(self) -> dict[str, str | None]:
        """These settings as ADVISOR_* variables (None: unset), for a child process such as a batch worker."""
        values: dict[str, str | None] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                values[f"{PREFIX}{name.upper()}"] = None
            elif isinstance(value, tuple):
                values[f"{PREFIX}{name.upper()}"] = ",".join(value)
            elif isinstance(value, bool):
                values[f"{PREFIX}{name.upper()}"] = "true" if value else "false"
            else:
                values[f"{PREFIX}{name.upper()}"] = str(value)
        return values


class SettingsError(ValueError):
    """An environment variable holds a value the program cannot use; the message names it."""


def read_settings(**overrides: object) -> Settings:
    """Settings from the environment (and `overrides`, e.g. from the command line); raises SettingsError
    naming each bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        names = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "?"
            message = str(item["msg"]).removeprefix("Value error, ")
            names.append(f"{PREFIX}{field.upper()}: {message}")
        raise SettingsError("; ".join(names)) from None


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return read_settings()


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ADVISOR_* variable that is not a setting (a typo is otherwise silently ignored)."""
    environ = os.environ if environ is None else environ
    known = {f"{PREFIX}{name.upper()}" for name in Settings.model_fields} | OTHER_VARIABLES
    warnings = []
    for name in sorted(environ):
        if name.startswith(PREFIX) and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"{name} is not a setting of the advisor and is ignored{hint}")
    return warnings


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
    if settings.forwarded_allow_ips == "*":
        warnings.append("ADVISOR_FORWARDED_ALLOW_IPS is '*': any client reaching this server may name its own "
                        "address in X-Forwarded-For (and so its rate-limit and login-throttle bucket); name the "
                        "proxy's address instead")
    if (workers > 1 or settings.hosts > 1) and settings.rate_limit_storage.startswith("memory"):
        warnings.append(f"ADVISOR_RATE_LIMIT_STORAGE is memory://: each of the {max(workers, settings.hosts)} "
                        "worker processes or hosts counts on its own, so a client gets that many times the limit; "
                        "use redis://HOST:6379 to share the counts")
    return warnings
