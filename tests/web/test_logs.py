"""No profile data in the access log: a real `advisor serve` process, its log read back."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_answers_in_the_url_never_reach_the_access_log(tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--port", str(port)], cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        answers = "project.floor_area_m2=1234.5&enterprise.credit_code=91350100M000100Y43"
        assert httpx.get(f"{url}/results?{answers}", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert "GET /results " in text  # the request is logged ...
    assert "1234.5" not in text and "91350100M000100Y43" not in text  # ... without its answers
