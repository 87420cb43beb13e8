"""(d) HTTP: POST /api/v1/assessments under wrk, as shares of the web stack's floor in the same run.

The floor (bench/floor.py) is a bare FastAPI endpoint that parses the same JSON body and returns a
small document, under the same uvicorn settings (2 workers, uvloop/httptools, no access log) and the
same wrk load, taking turns with the advisor's loads: the compact view, the compact view with a partner
key (checked from the cache, counted and rate-limited), the full document with gzip accepted, and the
compact view from one client at a time (its latency: nothing to share the engine with). Beside
them, the ceiling (bench/ceiling.py): the floor's endpoint that also validates the profile and runs
durable-rules on it, which every view must do before explaining anything. wrk runs on the same
machine, sharing the cores with the servers.

Each request carries another synthetic enterprise (advisor.synth; PROFILES a run, each run its own
seed), so the advisor's memo of findings (advisor/memo.py) is measured as it works for a district:
after a warm-up run on other enterprises, every measured run meets enterprises it has not seen
(until a run sends more than PROFILES requests and starts again from its first).
"""

import itertools
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILES = int(os.environ.get("BENCH_HTTP_PROFILES", "20000"))
DURATION_S = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
WORKERS = "2"
CONNECTIONS = 32
ONE_CLIENT = "compact, one client"
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
    """One wrk load: a name, the request body's view, extra headers and wrk's connections."""

    name: str
    view: str
    headers: dict[str, str]
    connections: int = CONNECTIONS


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


def _bodies(view: str, seed: int, count: int = PROFILES) -> list[str]:
    """`count` request bodies of synthetic enterprises drawn with `seed`."""
    from advisor.rulebase import load_rulebase
    from advisor.synth import ProfileFactory

    profiles = ProfileFactory(load_rulebase(), seed=seed).profiles(count)
    return [json.dumps({"profile": profile, "view": view}, ensure_ascii=False) for profile in profiles]


def _partner_key(database: str) -> str:
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


def _wrk(wrk: str, work_dir: Path, url: str, load: Load, seed: int) -> HttpRun:
    script = work_dir / f"{load.name.replace(' ', '-').replace(',', '')}.lua"
    headers = {"Content-Type": "application/json", **load.headers}
    # One body a request, in turn; each of wrk's threads starts at its own place in the list.
    script.write_text('wrk.method = "POST"\n'
                      + "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
                      + "bodies = {" + ",".join(json.dumps(body) for body in _bodies(load.view, seed)) + "}\n"
                      + "function setup(thread) thread:set('offset', math.random(#bodies)) end\n"
                      + "local index = nil\n"
                      + "function request()\n"
                      + "  index = (index or offset or 0) % #bodies + 1\n"
                      + "  return wrk.format(nil, nil, nil, bodies[index])\nend\n",
                      encoding="utf-8")
    threads = min(2, load.connections)
    command = [wrk, f"-t{threads}", f"-c{load.connections}", f"-d{DURATION_S}s", "--latency", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return HttpRun(load.name, float(rate.group(1)) if rate else None, _ms(p50.group(1)) if p50 else None,
                   _ms(p99.group(1)) if p99 else None, int(non_2xx.group(1)) if non_2xx else 0,
                   " ".join([*command[:-3], script.name, url]))


def _check(url: str, load: Load) -> str | None:
    """Why the load would measure errors, or None when one request answers 200."""
    request = urllib.request.Request(url, _bodies(load.view, 0, 1)[0].encode(),
                                     {"Content-Type": "application/json", **load.headers})
    with urllib.request.urlopen(request, timeout=30) as response:
        return None if response.status == 200 else f"POST {url} answered {response.status}"


def _combined(rounds: list[HttpRun]) -> HttpRun:
    """One figure from the rounds of one load: mean rate, median p50 and p99, errors added up."""
    rates = [r.requests_per_s for r in rounds if r.requests_per_s is not None]
    p50s = [r.p50_ms for r in rounds if r.p50_ms is not None]
    p99s = [r.p99_ms for r in rounds if r.p99_ms is not None]
    return HttpRun(rounds[0].name, statistics.fmean(rates) if rates else None,
                   statistics.median(p50s) if p50s else None, statistics.median(p99s) if p99s else None,
                   sum(r.non_2xx for r in rounds), f"{rounds[0].command} ({len(rounds)} rounds)")


def run(work_dir: Path) -> list[HttpRun]:
    """The floor and the advisor's views, each under wrk for DURATION_S seconds a round, in ROUNDS rounds.

    Both servers stay up and the loads take turns (floor, compact, keyed, full; again), so a change in
    the machine's speed during the run falls on every load alike rather than on whichever ran then."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return [HttpRun("floor", skipped="wrk is not installed (scripts/system-deps installs it)")]
    work_dir.mkdir(parents=True, exist_ok=True)
    database = f"sqlite:///{work_dir / 'bench.db'}"
    key = _partner_key(database)
    env = {**os.environ, "ADVISOR_DATABASE_URL": database, "ADVISOR_DATA_DIR": str(work_dir),
           "ADVISOR_SECRET_KEY": "bench-" + "k" * 32, "ADVISOR_RATE_LIMIT_KEYED": UNLIMITED,
           "ADVISOR_RATE_LIMIT_ANONYMOUS": UNLIMITED}
    floor_port, ceiling_port, advisor_port = _free_port(), _free_port(), _free_port()
    commands = {
        port: [sys.executable, "-m", "uvicorn", app, "--workers", WORKERS,
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
        for port, app in ((floor_port, "bench.floor:app"), (ceiling_port, "bench.ceiling:app"))} | {
        advisor_port: [sys.executable, "-m", "advisor", "serve", "--workers", WORKERS, "--port", str(advisor_port),
                       "--log-level", "warning", "--no-access-log"]}
    loads = [(floor_port, Load("floor", "compact", {})), (ceiling_port, Load("engine only", "compact", {})),
             (advisor_port, Load("compact", "compact", {})),
             (advisor_port, Load("compact, keyed", "compact", {"X-API-Key": key})),
             (advisor_port, Load("full, gzip accepted", "full", {"Accept-Encoding": "gzip"})),
             # One client at a time: a request's own latency, with nothing to decide it together with.
             (advisor_port, Load(ONE_CLIENT, "compact", {}, connections=1))]
    servers = [subprocess.Popen(command, cwd=ROOT, start_new_session=True, env=env) for command in commands.values()]
    try:
        for port in commands:
            if not _wait_ready(f"http://127.0.0.1:{port}/openapi.json"):
                return [HttpRun(load.name, skipped="a server did not answer within 90 s") for _, load in loads]
        urls = {load.name: f"http://127.0.0.1:{port}/api/v1/assessments" for port, load in loads}
        for _, load in loads:
            problem = _check(urls[load.name], load)
            if problem:
                return [HttpRun(load.name, skipped=problem)]
        for _, load in loads:  # warm-up, not measured: seed 0's enterprises, never measured
            _wrk(wrk, work_dir, urls[load.name], load, 0)
        rounds: dict[str, list[HttpRun]] = {load.name: [] for _, load in loads}
        seeds = itertools.count(1)
        for _ in range(ROUNDS):
            for _, load in loads:
                rounds[load.name].append(_wrk(wrk, work_dir, urls[load.name], load, next(seeds)))
        return [_combined(runs) for runs in rounds.values()]
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=60)
