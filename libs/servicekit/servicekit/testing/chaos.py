"""A TCP proxy for fault injection: cut the link (refuse and drop connections) or stall it silently."""
from __future__ import annotations

import select
import socket
import threading


class _Link:
    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        self.stalled = False
        self.closed = False

    def close(self) -> None:
        self.closed = True
        for sock in (self.client, self.upstream):
            try:
                sock.close()
            except OSError:
                pass

    def pump(self) -> None:
        """Copy bytes both ways until either side closes; a stalled link holds its bytes, silently."""
        pairs = {self.client: self.upstream, self.upstream: self.client}
        while not self.closed:
            try:
                readable, _, _ = select.select(list(pairs), [], [], 0.2)
            except (OSError, ValueError):
                break
            if self.stalled:
                continue
            for sock in readable:
                try:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    pairs[sock].sendall(data)
                except OSError:
                    self.close()
                    break
        self.close()


class ChaosProxy:
    """127.0.0.1:<port> -> target. `cut()` / `restore()` / `stall()` simulate outages and dead peers."""

    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self._listener = self._listen(port)
        self.port = self._listener.getsockname()[1]
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._accepting = True
        self.connections = 0
        threading.Thread(target=self._accept_loop, daemon=True, name=f"chaos-{self.port}").start()

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(256)
        return listener

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                if not self._accepting:
                    return
                continue
            if not self._accepting:  # accepted in the instant of a cut: the server is gone
                client.close()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                # Without this, Nagle's algorithm and delayed ACKs add ~40 ms to small request/response pairs.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            link = _Link(client, upstream)
            with self._lock:
                self._links.append(link)
                self.connections += 1
            threading.Thread(target=link.pump, daemon=True).start()

    def cut(self) -> None:
        """The server vanishes: new connections are refused and open ones are reset."""
        self._accepting = False
        try:
            # close() alone does not wake a thread blocked in accept() on Linux: the next client would get in.
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()

    def restore(self) -> None:
        if not self._accepting:
            self._listener = self._listen(self.port)
            self._accepting = True
            threading.Thread(target=self._accept_loop, daemon=True, name=f"chaos-{self.port}").start()

    def stall(self) -> int:
        """Open connections stop carrying bytes but stay open (a dead peer behind a NAT); new ones work."""
        with self._lock:
            links = [link for link in self._links if not link.closed]
        for link in links:
            link.stalled = True
        return len(links)

    def close(self) -> None:
        self.cut()
