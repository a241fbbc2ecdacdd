"""Real loopback servers that answer badly: silent, slow-drip. Each lives only for its test
and is closed when the test ends, so nothing outlives it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from sourcer.errors import FetchError
from sourcer.glossary.http import fetch


@pytest.fixture
def loopback() -> Iterator[Callable[[Callable[[socket.socket, threading.Event], None]], str]]:
    """Start a one-connection server on 127.0.0.1 running ``serve(conn, stop)``; its URL."""
    stop = threading.Event()
    servers: list[tuple[socket.socket, threading.Thread]] = []

    def start(serve: Callable[[socket.socket, threading.Event], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(5)

        def run() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                serve(conn, stop)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        servers.append((listener, thread))
        return f"http://127.0.0.1:{listener.getsockname()[1]}/page"

    yield start
    stop.set()
    for listener, thread in servers:
        listener.close()
        thread.join(timeout=5)


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(5)  # accepts, then says nothing until the test is over


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    while not stop.is_set():
        try:
            conn.sendall(b"x")
        except OSError:
            return
        stop.wait(0.02)  # one byte every 20 ms: each read is quick, the whole never ends


def test_a_silent_server_times_out(loopback):
    url = loopback(_silent)
    with pytest.raises(FetchError) as error:
        fetch(url, timeout=(1.0, 0.3), deadline=5)
    assert str(error.value).startswith(f"{url}: timed out")


def test_a_slow_drip_server_meets_the_total_deadline(loopback):
    url = loopback(_drip)
    with pytest.raises(FetchError) as error:
        fetch(url, timeout=(1.0, 1.0), deadline=0.5)
    assert str(error.value) == f"{url}: no complete answer within 0.5 s; try later"
