"""A real SMTP server on loopback (aiosmtpd) with STARTTLS or implicit TLS on a certificate
made in the test (trustme), a login, and scripted refusals, to test the sender end to end."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "taakbot@provincie.test", "wachtwoord-van-de-test"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Script:
    """What the server does, per call: refusals for some addresses, DATA answers in turn."""

    rcpt: dict[str, list[str]] = field(default_factory=dict)  # address → replies in turn
    data: list[str] = field(default_factory=list)  # replies to DATA in turn ('drop': hang up)
    mail: list[str] = field(default_factory=list)  # replies to MAIL FROM in turn


class _Handler:
    def __init__(self, server: FakeSmtp) -> None:
        self.fake = server

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        with self.fake.lock:
            self.fake.calls.append(("MAIL", address))
            if self.fake.script.mail:
                return self.fake.script.mail.pop(0)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        with self.fake.lock:
            self.fake.calls.append(("RCPT", address))
            replies = self.fake.script.rcpt.get(address)
            if replies:
                reply = replies.pop(0)
                if not reply.startswith("250"):
                    return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.fake.lock:
            self.fake.calls.append(("DATA", len(envelope.content)))
            reply = self.fake.script.data.pop(0) if self.fake.script.data else "250 OK"
            if reply.startswith("250") or reply == "drop":
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                self.fake.received.append(
                    Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)
                )
        if reply == "drop":  # took the message, then the line went dead before the answer
            server.transport.close()
            return "250 OK"
        if self.fake.delay:  # taken (delivered), the answer still on its way
            await asyncio.sleep(self.fake.delay)
        taken = len(self.fake.received)
        while self.fake.hold_from is not None and taken >= self.fake.hold_from:
            await asyncio.sleep(0.01)  # the answer is held until the test lets it go
        return reply


class FakeSmtp:
    def __init__(self, mode: str, ca: trustme.CA, login: bool = True) -> None:
        self.mode, self.ca = mode, ca
        self.received: list[Received] = []
        self.calls: list[tuple[str, object]] = []
        self.logins: list[tuple[str, bool]] = []
        self.script = Script()
        self.delay = 0.0  # seconds between taking a message and answering DATA
        self.hold_from: int | None = None  # from this message on, answers wait (a crash test)
        self.lock = threading.Lock()
        self.port = _free_port()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # no system CAs: 20 ms each
        cert.configure_cert(server_ctx)
        kwargs: dict = {}
        if mode == "starttls":
            kwargs = dict(tls_context=server_ctx, require_starttls=True)
        elif mode == "ssl":
            kwargs = dict(ssl_context=server_ctx)
        if login:
            kwargs.update(authenticator=self._auth, auth_require_tls=mode == "starttls")
        self.controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, server_hostname="fake", **kwargs
        )

    def _auth(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)

    def client_context(self) -> ssl.SSLContext:
        """A client's default context that trusts the test CA only (given `cadata`, Python
        leaves the system's CA bundle unread: 20 ms a context)."""
        return ssl.create_default_context(cadata=self.ca.cert_pem.bytes().decode())

    def data_calls(self) -> int:
        return sum(1 for c in self.calls if c[0] == "DATA")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(mode: str = "starttls", login: bool = True) -> Iterator[FakeSmtp]:
    fake = FakeSmtp(mode, trustme.CA(), login)
    fake.controller.start()
    try:
        yield fake
    finally:
        fake.controller.stop()
