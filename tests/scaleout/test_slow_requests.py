"""`advisor serve` itself refuses what nginx refuses: oversized request heads (431), heads or bodies that
stop arriving (408), more connections than a worker takes (503); so a host reached without nginx, or
nginx misconfigured, is not held open by one slow client. Raw sockets, as a slow client would send."""

import socket
import time
from collections.abc import Iterator

import pytest

from tests.servers import Served, advisor_serve, clean_env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("slow")
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{folder / 'advisor.db'}", ADVISOR_DATA_DIR=str(folder),
                    ADVISOR_MAX_HEADER_BYTES="8192", ADVISOR_HEADER_TIMEOUT_SECONDS="1",
                    ADVISOR_BODY_TIMEOUT_SECONDS="1", ADVISOR_LIMIT_CONCURRENCY="4")
    with advisor_serve(env, folder / "serve.log", "--log-level", "warning") as served:
        yield served


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("busy")
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{folder / 'advisor.db'}", ADVISOR_DATA_DIR=str(folder),
                    ADVISOR_LIMIT_CONCURRENCY="3")
    with advisor_serve(env, folder / "serve.log", "--log-level", "warning") as served:
        yield served


def _connect(server: Served) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_head_over_the_size_limit_is_refused_with_431(server: Served) -> None:
    with _connect(server) as sock:
        # 10 KB of headers, not yet finished: past the 8 KB limit, so the server need not wait for the rest.
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + b"X-Filler: " + b"a" * 10_000 + b"\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    with _connect(server) as sock:  # a head within the limit is answered as ever
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Filler: " + b"a" * 6000 + b"\r\nConnection: close\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200 ")


def test_a_head_that_dribbles_in_is_refused_with_408(server: Served) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        closed = False
        for _ in range(100):  # one header byte every 0.1 s: never a whole head within the second allowed
            try:
                sock.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
        answer = b"" if closed else _answer(sock)
    assert closed or answer.startswith(b"HTTP/1.1 408 "), answer[:200]


def test_a_connection_that_never_speaks_is_closed(server: Served) -> None:
    with _connect(server) as sock:
        assert _answer(sock).startswith(b"HTTP/1.1 408 ")  # returns once the server gives up on it


def test_a_body_that_stops_arriving_is_refused_with_408(server: Served) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /api/v1/assessments HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"profile\": {")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:300]
    assert b"application/problem+json" in answer and b"/problems/request-timeout" in answer


def test_connections_beyond_the_limit_get_503(busy_server: Served) -> None:
    held = [_connect(busy_server) for _ in range(3)]  # open connections count against --limit-concurrency
    try:
        with _connect(busy_server) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in held:
            sock.close()


def test_the_server_answers_as_ever_afterwards(server: Served, busy_server: Served) -> None:
    for answering in (server, busy_server):
        with _connect(answering) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 200 ")
