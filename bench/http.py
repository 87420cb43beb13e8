"""(d) HTTP: `advisor serve --workers 2` under wrk, POSTing a JSON profile to /api/v1/assessments.

wrk runs on the same machine, so the load generator shares the cores with the server.
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


@dataclass(frozen=True)
class HttpRun:
    """wrk's figures, or why there are none."""

    requests_per_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    non_2xx: int = 0
    command: str = ""
    skipped: str | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wait_ready(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except Exception:
            time.sleep(0.3)
    return False


def _server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "advisor", "serve", "--workers", "2", "--port", str(port),
            "--log-level", "warning", "--no-access-log"]


def run(work_dir: Path, view: str = "full") -> HttpRun:
    """Start the server on a free loopback port, load it with wrk for DURATION_S seconds, stop it.

    `view`: "full" (the self-contained document pages use) or "compact" (what an embedding system
    that caches the provisions' texts asks for)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return HttpRun(skipped="wrk is not installed (scripts/system-deps installs it)")
    work_dir.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"profile": json.loads(PROFILE.read_text(encoding="utf-8")), "view": view},
                      ensure_ascii=False)
    script = work_dir / f"assess-{view}.lua"
    script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                      'wrk.headers["Content-Type"] = "application/json"\n', encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(_server_command(port), cwd=ROOT, start_new_session=True,
                              env={**os.environ, "ADVISOR_DATABASE_URL": f"sqlite:///{work_dir / 'bench.db'}"})
    try:
        if not _wait_ready(f"http://127.0.0.1:{port}/openapi.json"):
            return HttpRun(skipped="the server did not answer within 60 s")
        url = f"http://127.0.0.1:{port}/api/v1/assessments"
        request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:  # a wrong body would only measure 422s
            if response.status != 200 or "findings" not in json.load(response):
                return HttpRun(skipped=f"POST {url} answered {response.status} without findings")
        command = [wrk, "-t2", "-c32", f"-d{DURATION_S}s", "--latency", "-s", str(script), url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return HttpRun(float(rate.group(1)) if rate else None, _ms(p50.group(1)) if p50 else None,
                   _ms(p99.group(1)) if p99 else None, int(non_2xx.group(1)) if non_2xx else 0,
                   " ".join([*command[:-3], script.name, url]))
