"""E-mail over SMTP with STARTTLS, TLS or neither, and a login when one is configured.

`smtplib` blocks, so a session runs in a worker thread (asyncio.to_thread), one connection for a
batch. Every message is sent with the protocol's own steps (MAIL, RCPT, DATA) so the outcome is
exact: a refusal before the message's content went out (a 4xx, a lost connection) is retried
with the shared bounded back-off (sheets.sources.retry) and may be, nothing was delivered; a 5xx
is permanent and failed at once; a connection lost *during* DATA may have delivered the message,
so it is 'uncertain' and never resent by itself (the ledger's rule for Telegram too).
"""

from __future__ import annotations

import random
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage

from bot.channels.pace import Pace
from bot.store import FAILED, SENT, UNCERTAIN
from sheets.sources.retry import RetryPolicy, backoff_delay

TLS_MODES = ("starttls", "ssl", "geen")
# A minute's worth of tries: a greylisting server asks for a few minutes, the ledger's next
# hourly round tries a failed row again (up to the store's max_attempts).
SMTP_RETRY = RetryPolicy(attempts=4, base=2.0, cap=60.0, budget=300.0)
_TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 587
    tls: str = "starttls"  # TLS_MODES
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    context: ssl.SSLContext | None = field(default=None, repr=False)  # tests: the test CA

    @property
    def server(self) -> str:
        """The pace's key: one mail server, however many senders use it."""
        return f"{self.host}:{self.port}"


class SmtpSetupError(RuntimeError):
    """The server will not take any mail from us (login refused, TLS refused): fix settings."""


@dataclass(slots=True)
class Outcome:
    status: str  # SENT, FAILED or UNCERTAIN
    error: str | None = None
    attempts: int = 1
    final: bool = False  # FAILED for good (a 5xx): no later round tries again


class SmtpSession:
    """One connection, reused for a batch; reconnects after a temporary failure."""

    def __init__(
        self,
        config: SmtpConfig,
        *,
        pace: Pace | None = None,
        policy: RetryPolicy = SMTP_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config, self.pace, self.policy = config, pace, policy
        self.sleep, self.clock, self.rng = sleep, clock, rng
        self._smtp: smtplib.SMTP | None = None

    # -- connection ------------------------------------------------------------------------
    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = c.context or ssl.create_default_context()
        if c.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c.host, c.port, timeout=c.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        try:
            smtp.ehlo()
            if c.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SmtpSetupError(
                        f"{c.server} biedt geen STARTTLS aan; zet TAAKBOT_SMTP_TLS=ssl of (alleen "
                        "op een intern netwerk) geen"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if c.user:
                smtp.login(c.user, c.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            _close(smtp)
            raise SmtpSetupError(
                f"{c.server} weigert de login van TAAKBOT_SMTP_USER ({exc.smtp_code}); "
                "controleer gebruiker en wachtwoord"
            ) from None
        except smtplib.SMTPNotSupportedError:
            _close(smtp)
            raise SmtpSetupError(
                f"{c.server} biedt geen login (AUTH) aan op deze verbinding; laat "
                "TAAKBOT_SMTP_USER leeg of kies een andere TAAKBOT_SMTP_TLS"
            ) from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            _close(smtp)
            raise SmtpSetupError(f"TLS met {c.server} mislukt: {exc}") from None
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            _close(self._smtp)
            self._smtp = None

    # -- sending ---------------------------------------------------------------------------
    def send(
        self,
        mail: EmailMessage,
        recipients: list[str],
        mark: Callable[[], bool] = lambda: True,
    ) -> dict[str, Outcome]:
        """Deliver `mail` to `recipients`; each address's outcome (a server may refuse some).

        `mark()` runs right before the first byte of the message goes out (the ledger's 'in
        flight'); False: nothing is sent and every address is left out of the answer.
        """
        start, attempt = self.clock(), 0
        left, done = list(recipients), {}
        marked = False
        while True:
            attempt += 1
            wait = self.pace.reserve(self.config.server) if self.pace else 0.0
            if wait > 0:
                self.sleep(wait)
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                if not marked:
                    if not mark():
                        return {}
                    marked = True
                refused = self._transfer(self._smtp, mail, left)
                for address in left:
                    if address not in refused:
                        done[address] = Outcome(SENT, attempts=attempt)
                for address, (code, text) in refused.items():
                    if code >= 500:
                        done[address] = Outcome(FAILED, f"{code} {text}", attempt, final=True)
                left = [a for a in left if a in refused and a not in done]
                if not left:
                    return done
                error = "; ".join(f"{refused[a][0]} {refused[a][1]}" for a in left)
            except SmtpSetupError:
                raise
            except smtplib.SMTPResponseException as exc:  # MAIL FROM or DATA refused
                if exc.smtp_code >= 500:
                    done.update(
                        {
                            a: Outcome(FAILED, f"{exc.smtp_code} {_text(exc)}", attempt, True)
                            for a in left
                        }
                    )
                    self._reset()
                    return done
                error = f"{exc.smtp_code} {_text(exc)}"
                self._reset()
            except _Delivered as exc:
                done.update({a: Outcome(UNCERTAIN, str(exc), attempt) for a in left})
                self.close()
                return done
            except _TEMPORARY as exc:  # the connection could not be made or was lost
                error = f"{type(exc).__name__}: {exc}"
                self.close()
            delay = backoff_delay(self.policy, attempt - 1, self.rng)
            spent = self.clock() - start
            if attempt >= self.policy.attempts or spent + delay > self.policy.budget:
                done.update(
                    {
                        a: Outcome(FAILED, f"tijdelijk geweigerd, {attempt}× geprobeerd: {error}",
                                   attempt)
                        for a in left
                    }
                )  # fmt: skip
                return done
            self.sleep(delay)

    def _transfer(
        self, smtp: smtplib.SMTP, mail: EmailMessage, recipients: list[str]
    ) -> dict[str, tuple[int, str]]:
        """MAIL, RCPT per address, DATA: the addresses refused, with code and text."""
        sender = mail["From"].addresses[0].addr_spec if mail["From"] else ""
        code, text = smtp.mail(sender)
        if code != 250:
            raise smtplib.SMTPResponseException(code, text)
        refused: dict[str, tuple[int, str]] = {}
        for address in recipients:
            code, text = smtp.rcpt(address)
            if code not in (250, 251):
                refused[address] = (code, text.decode(errors="replace"))
        if len(refused) == len(recipients):
            smtp.rset()
            return refused
        content = mail.as_bytes(policy=mail.policy.clone(linesep="\r\n"))  # SMTP's line ends
        try:
            code, text = smtp.data(content)
        except _TEMPORARY as exc:  # lost while the message went out: maybe delivered
            raise _Delivered(
                f"verbinding verbroken tijdens het versturen ({type(exc).__name__}); de "
                "server heeft het bericht misschien aangenomen"
            ) from exc
        if code != 250:  # refused: nothing delivered
            raise smtplib.SMTPResponseException(code, text)
        return refused

    def _reset(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except _TEMPORARY:
                self.close()


class _Delivered(Exception):
    """The connection dropped during DATA: the server may have taken the message."""


def _text(exc: smtplib.SMTPResponseException) -> str:
    raw = exc.smtp_error
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _close(smtp: smtplib.SMTP) -> None:
    with suppress(Exception):
        smtp.quit()
    with suppress(Exception):
        smtp.close()


@contextmanager
def session(config: SmtpConfig, **kwargs) -> Iterator[SmtpSession]:
    """One connection for a batch, closed at the end whatever happened."""
    s = SmtpSession(config, **kwargs)
    try:
        yield s
    finally:
        s.close()
