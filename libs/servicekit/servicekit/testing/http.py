"""A stand-in HTTP service for tests: a Flask app served from a thread on a free local port."""
from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import make_server


class HttpServer:
    """`with HttpServer(app) as served: requests.get(served.url + "/…")` — or subclass it and pass the app."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "HttpServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
