"""A GET caught by a keep-alive connection closing under it is sent again; a POST never is."""
import socket
import threading

import pytest
import requests

from servicekit.pooling import pooled_adapter


class ClosingServer:
    """Answers the first request of each connection, then drops the connection when a second one comes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.requests_seen = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(connection,), daemon=True).start()

    def _connection(self, connection: socket.socket) -> None:
        with connection:
            if not self._read_request(connection):
                return
            self.requests_seen += 1
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
            self._read_request(connection)  # the next request on this connection is dropped unanswered
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    @staticmethod
    def _read_request(connection: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk:
                return False
            data += chunk
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def server():
    running = ClosingServer()
    yield running
    running.close()


def _session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", pooled_adapter())
    return session


def test_a_get_on_a_connection_closed_under_it_is_sent_again_on_a_fresh_one(server):
    session = _session()
    assert session.get(server.url, timeout=5).text == "ok"
    assert session.get(server.url, timeout=5).text == "ok"
    assert server.requests_seen == 2


def test_a_post_on_a_connection_closed_under_it_is_not_sent_again(server):
    session = _session()
    assert session.get(server.url, timeout=5).text == "ok"
    with pytest.raises(requests.ConnectionError):
        session.post(server.url, data=b"x", timeout=5)
    assert server.requests_seen == 1
