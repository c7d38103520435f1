"""A loopback TCP server that answers each connection with scripted raw bytes (a body cut
short, no Content-Length, ...), for the network fault tests; a context manager."""
from __future__ import annotations

import socket
import threading


class RawServer:
    """Serves ``replies`` in turn (the last one repeats) on 127.0.0.1, one per connection;
    each reply is raw HTTP bytes written after the request is read. ``connections`` counts
    the connections accepted."""

    def __init__(self, replies: list[bytes]):
        self.replies = list(replies)
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                reply = self.replies[min(self.connections, len(self.replies) - 1)]
                self.connections += 1
                try:
                    conn.sendall(reply)
                except OSError:
                    pass

    def __enter__(self) -> "RawServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
