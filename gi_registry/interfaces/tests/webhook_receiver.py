"""A webhook receiver as an organisation would write one, for the tests: an HTTP server on
127.0.0.1 (its own thread) that verifies each delivery's signature and timestamp the way the
README tells receivers to, and answers with the statuses a test scripts (e.g. 500 then 200)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


class Rejected(Exception):
    pass


def verify(secret: str, headers, body: bytes, now: float | None = None, tolerance: int = TOLERANCE_SECONDS) -> dict:
    """The receiver's check (the README's snippet): the timestamp is recent, the HMAC-SHA256 of
    ``"<timestamp>.<raw body>"`` under the shared secret equals one of the ``v1=`` signatures
    (compared in constant time). Returns the parsed JSON; raises ``Rejected`` otherwise."""
    try:
        timestamp = int(headers["Webhook-Timestamp"])
        signatures = headers["Webhook-Signature"].split()
    except (KeyError, ValueError, TypeError) as error:
        raise Rejected("missing or malformed webhook headers") from error
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise Rejected("timestamp outside the tolerance (a replay?)")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(
        version == "v1" and hmac.compare_digest(expected, value)
        for version, _, value in (signature.partition("=") for signature in signatures)
    ):
        raise Rejected("bad signature")
    return json.loads(body)


@dataclass
class Received:
    headers: dict
    body: bytes
    verdict: str  # "ok" or why it was rejected
    answered: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answers in order; 200 when used up
    delay: float = 0.0
    clock: float | None = None  # the receiver's "now" (None: the real clock)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self, headers, body: bytes) -> tuple[int, bytes]:
        if self.delay:
            time.sleep(self.delay)
        try:
            event = verify(self.secret, headers, body, now=self.clock)
        except Rejected as error:
            self.received.append(Received(dict(headers), body, str(error), 401))
            return 401, json.dumps({"error": str(error)}).encode()
        status = self.statuses.pop(0) if self.statuses else 200
        self.received.append(Received(dict(headers), body, "ok", status))
        return status, json.dumps({"received": event["id"], "status": status}).encode()


def start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = receiver.answer(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status in (301, 302, 307, 308):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/registry"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
