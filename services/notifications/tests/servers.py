"""Real local servers for dispatcher tests: an SMTP server, a Twilio-like SMS API and a PDF server."""
import base64
import email
import uuid
from email import policy

from aiosmtpd.controller import Controller
from flask import Flask, jsonify, request
from servicekit.testing.http import HttpServer
from servicekit.testing.infra import free_port

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"



class Mailbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []
        self.on_accept = None  # called with the recipients of each accepted message, before the 250 goes out

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.raw = envelope.content  # as it travelled: how each header was written
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.on_accept is not None:
            self.on_accept(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for _, rcpts, message in self.messages if address in rcpts]

    def __enter__(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.port = self.controller.port
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SmsApi(HttpServer):
    """Answers like Twilio's Messages.json and records every form post; `answers` scripts failures per number."""

    def __init__(self):
        self.posts, self.answers = [], {}
        self.on_accept = None  # called with the number of each accepted SMS, before the answer goes out
        app = Flask("fake_sms")

        @app.post("/2010-04-01/Accounts/<sid>/Messages.json")
        def messages(sid):
            user, _, password = base64.b64decode(request.headers["Authorization"].split()[1]).decode().partition(":")
            self.posts.append({"account": sid, "user": user, "password": password, **request.form.to_dict()})
            status, body = self.answers.get(request.form["To"], (201, None))
            if status < 300 and self.on_accept is not None:
                self.on_accept(request.form["To"])
            return jsonify(body or {"sid": f"SM{uuid.uuid4().hex}", "status": "queued"}), status

        super().__init__(app)

    def to(self, number):
        return [post for post in self.posts if post["To"] == number]


class PdfServer(HttpServer):
    """Serves /api/v1/<quotations|invoices>/<id>/pdf for the tokens it knows; records each request."""

    def __init__(self):
        self.tokens, self.requests = {}, []
        app = Flask("fake_documents")

        @app.get("/api/v1/<kind>/<doc_id>/pdf")
        def pdf(kind, doc_id):
            self.requests.append((kind, doc_id, request.args.get("access_token")))
            if self.tokens.get(doc_id) != request.args.get("access_token"):
                return jsonify({"detail": "This link is for another document."}), 403
            return PDF, 200, {"Content-Type": "application/pdf"}

        super().__init__(app)
