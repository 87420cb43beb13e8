"""(d) HTTP: POST /api/v1/assessments under wrk, as shares of the web stack's floor in the same run.

The floor (bench/floor.py) is a bare FastAPI endpoint that parses the same JSON body and returns a
small document, under the same uvicorn settings (2 workers, uvloop/httptools, no access log) and the
same wrk load. It is measured first and last; its mean is the reference. The advisor is then loaded
with the compact view, the compact view with a partner key (checked from the cache and counted), and
the full document with gzip accepted. wrk runs on the same machine, sharing the cores with the server.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "warehouse-1200.json"
DURATION_S = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
WORKERS = "2"
# High enough never to refuse the load, so the limiter's cost is measured without its 429s.
UNLIMITED = "1000000000/minute"


@dataclass(frozen=True)
class HttpRun:
    """wrk's figures for one load, or why there are none."""

    name: str
    requests_per_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    non_2xx: int = 0
    command: str = ""
    skipped: str | None = None


@dataclass(frozen=True)
class Load:
    """One wrk load: a name, the request body's view and extra headers."""

    name: str
    view: str
    headers: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wait_ready(url: str, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except Exception:
            time.sleep(0.3)
    return False


def _body(view: str) -> str:
    return json.dumps({"profile": json.loads(PROFILE.read_text(encoding="utf-8")), "view": view}, ensure_ascii=False)


def _partner_key(work_dir: Path, database: str) -> str:
    """A partner key in the benchmark's database (migrated here), as an admin would create it."""
    from sqlmodel import Session

    from advisor.storage import make_engine, upgrade
    from advisor.storage.apikeys import create_key
    from advisor.storage.staff import create_staff

    engine = make_engine(database)
    upgrade(engine)
    with Session(engine) as session:
        admin = create_staff(session, f"bench-{os.getpid()}-{time.time_ns()}", "bench password 1234", "admin")
        _, key = create_key(session, "bench", admin)
        session.commit()
    engine.dispose()
    return key


def _wrk(wrk: str, work_dir: Path, url: str, load: Load) -> HttpRun:
    body = _body(load.view)
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json", **load.headers})
    with urllib.request.urlopen(request, timeout=30) as response:  # a wrong request would only measure errors
        if response.status != 200:
            return HttpRun(load.name, skipped=f"POST {url} answered {response.status}")
    script = work_dir / f"{load.name.replace(' ', '-')}.lua"
    headers = {"Content-Type": "application/json", **load.headers}
    script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                      + "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items()),
                      encoding="utf-8")
    command = [wrk, "-t2", "-c32", f"-d{DURATION_S}s", "--latency", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return HttpRun(load.name, float(rate.group(1)) if rate else None, _ms(p50.group(1)) if p50 else None,
                   _ms(p99.group(1)) if p99 else None, int(non_2xx.group(1)) if non_2xx else 0,
                   " ".join([*command[:-3], script.name, url]))


def _serve(command: list[str], env: dict[str, str], ready: str, wrk: str, work_dir: Path, url: str,
           loads: list[Load]) -> list[HttpRun]:
    server = subprocess.Popen(command, cwd=ROOT, start_new_session=True, env=env)
    try:
        if not _wait_ready(ready):
            return [HttpRun(load.name, skipped="the server did not answer within 90 s") for load in loads]
        return [_wrk(wrk, work_dir, url, load) for load in loads]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def run(work_dir: Path) -> list[HttpRun]:
    """The floor, the advisor's views, the floor again: each under wrk for DURATION_S seconds."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return [HttpRun("floor", skipped="wrk is not installed (scripts/system-deps installs it)")]
    work_dir.mkdir(parents=True, exist_ok=True)
    database = f"sqlite:///{work_dir / 'bench.db'}"
    key = _partner_key(work_dir, database)
    env = {**os.environ, "ADVISOR_DATABASE_URL": database, "ADVISOR_DATA_DIR": str(work_dir),
           "ADVISOR_SECRET_KEY": "bench-" + "k" * 32, "ADVISOR_RATE_LIMIT_KEYED": UNLIMITED,
           "ADVISOR_RATE_LIMIT_ANONYMOUS": UNLIMITED}

    def floor(name: str) -> list[HttpRun]:
        port = _free_port()
        command = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--workers", WORKERS, "--port", str(port),
                   "--log-level", "warning", "--no-access-log"]
        return _serve(command, env, f"http://127.0.0.1:{port}/openapi.json", wrk, work_dir,
                      f"http://127.0.0.1:{port}/api/v1/assessments", [Load(name, "compact", {})])

    port = _free_port()
    advisor = [sys.executable, "-m", "advisor", "serve", "--workers", WORKERS, "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    loads = [Load("compact", "compact", {}), Load("compact, keyed", "compact", {"X-API-Key": key}),
             Load("full, gzip accepted", "full", {"Accept-Encoding": "gzip"})]
    return [*floor("floor (first)"),
            *_serve(advisor, env, f"http://127.0.0.1:{port}/healthz", wrk, work_dir,
                    f"http://127.0.0.1:{port}/api/v1/assessments", loads),
            *floor("floor (last)")]
