"""Builders for gateway tests: accounts straight in the database, logins, events, and a tiny upstream service."""
import socket
import threading
import random
import uuid

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


from gateway import passwords
from gateway.models import User
from servicekit.testing.events import event, opened, outbox_events  # noqa: F401 - re-exported for the tests

PASSWORD = "correct horse battery"


def email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def make_user(db, role="front_desk", *, password=PASSWORD, active=True, therapist_id=None, client_ids=(),
              address=None):
    """An account written directly (the API's own rules are tested through the API)."""
    user = User(email=address or email(role), name=f"Test {role}", role=role, active=active,
                password_hash=passwords.hash_password(password) if password else None,
                therapist_id=therapist_id, client_ids=list(client_ids))
    with db.transaction() as s:
        s.add(user)
    return user


def login(client, address, password=PASSWORD, source=None):
    """Log in from `source` (a caller's network address); by default a new one each time, so that the brake on
    one address trying many accounts (gateway.signin) only acts in the tests about it."""
    source = source or f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    return client.post("/api/v1/auth/login", json={"email": address, "password": password},
                       environ_base={"REMOTE_ADDR": source})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def client_event(event_type="client.created", client_id=None, guardians=None, status="prospect"):
    guardians = guardians if guardians is not None else [guardian()]
    return event(event_type, {"client_id": client_id or str(uuid.uuid4()), "first_name": "Lina",
                              "last_name": "Parent", "birth_date": None, "status": status,
                              "guardians": guardians}, producer="crm")


def guardian(address=None, first="Maya", last="Parent"):
    return {"contact_id": str(uuid.uuid4()), "first_name": first, "last_name": last,
            "email": address if address is not None else email("parent"), "phone": None}



class FakeService:
    """A real HTTP server in a thread that echoes what it received (stands in for booking)."""

    OPENAPI = {
        "openapi": "3.1.0", "info": {"title": "booking", "version": "v1"},
        "tags": [{"name": "appointments"}],
        "paths": {"/api/v1/appointments": {"get": {"responses": {"200": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}},
        "components": {"schemas": {"Error": {"type": "object", "properties": {"booking_only": {"type": "string"}}}}},
    }

    def __init__(self):
        self.openapi_requests = 0
        self.release = threading.Event()
        self.server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _app(self):
        app = Flask("fake_booking")

        @app.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        @app.route("/r/<path:rest>", methods=["GET", "POST"])
        @app.route("/staff/<path:rest>", methods=["GET", "POST"])  # stands in for web's pages too
        @app.route("/", defaults={"rest": ""})
        def echo(rest):
            if rest == "appointments/slow":
                self.release.wait(10)
            body = {"method": request.method, "path": request.path, "query": request.query_string.decode(),
                    "body": request.get_data(as_text=True), "headers": dict(request.headers)}
            headers = {"X-Next-Cursor": "page-2"}
            if rest == "set-cookie":  # a page that starts a session, as web's sign-in page does
                headers["Set-Cookie"] = "therapy_session=first-visitor; HttpOnly; Path=/"
            return jsonify(body), 201 if request.method == "POST" else 200, headers

        @app.get("/metrics")
        def metrics():
            return "internal figures"

        @app.get("/openapi.json")
        def openapi():
            self.openapi_requests += 1
            return jsonify(self.OPENAPI)

        return app

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class BrokenService:
    """Answers every connection with bytes that are not HTTP."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
