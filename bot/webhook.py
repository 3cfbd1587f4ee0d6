"""The bot's own small HTTP server: the Telegram webhook (secret required) and `/healthz`.

PTB's built-in webhook server has no health endpoint; this one is as small: it accepts a POST on
the webhook URL's path only with the `X-Telegram-Bot-Api-Secret-Token` header Telegram sends
(compared in constant time), hands the update to the Application's queue, and answers
`GET /healthz` with the state of the database and the sheet. It listens on 127.0.0.1 unless
TAAKBOT_WEBHOOK_LISTEN says otherwise.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as Tornado
from tornado.web import RequestHandler

from bot.settings import SettingError

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # a Telegram update is a few kB


def url_path(webhook_url: str) -> str:
    """The path Telegram will POST to, e.g. https://bot.example.nl/tg/hook → /tg/hook."""
    return urlsplit(webhook_url).path or "/"


class _Webhook(RequestHandler):
    def initialize(self, app: Application, secret: str) -> None:
        self.app, self.secret = app, secret.encode()

    def check_xsrf_cookie(self) -> None:  # a machine-to-machine endpoint
        return None

    async def post(self) -> None:
        given = (self.request.headers.get(SECRET_HEADER) or "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning(
                "Webhook-update zonder geldig geheim geweigerd (van %s)", self.request.remote_ip
            )
            self.set_status(403)
            self.finish("forbidden")
            return
        try:
            payload = json.loads(self.request.body)
            update = Update.de_json(payload, self.app.bot)
        except Exception:
            log.warning("Webhook-update kon niet worden gelezen", exc_info=True)
            self.set_status(400)
            self.finish("bad request")
            return
        if update is not None:
            await self.app.update_queue.put(update)
        self.set_status(200)
        self.finish("ok")

    def get(self) -> None:
        self.set_status(405)
        self.finish("method not allowed")


class _Health(RequestHandler):
    def initialize(self, report: Callable[[], tuple[bool, dict[str, Any]]]) -> None:
        self.report = report

    def get(self) -> None:
        ok, body = self.report()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


@dataclass
class HttpServer:
    server: HTTPServer
    port: int
    address: str

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()


def start(
    app: Application,
    *,
    listen: str,
    port: int,
    report: Callable[[], tuple[bool, dict[str, Any]]],
    path: str | None = None,
    secret: str | None = None,
) -> HttpServer:
    """Listen on (listen, port); port 0 picks a free one (tests). The webhook needs a secret."""
    handlers: list[Any] = [(HEALTH_PATH, _Health, {"report": report})]
    if path is not None:
        if not secret:
            raise ValueError("een webhook zonder geheim wordt niet gestart")
        handlers.append((path, _Webhook, {"app": app, "secret": secret}))
    server = HTTPServer(Tornado(handlers), max_body_size=MAX_BODY, xheaders=True)
    try:
        sockets = bind_sockets(port, address=listen)
    except OSError as exc:
        raise SettingError(
            f"Poort {port} op {listen} is niet beschikbaar ({exc.strerror}); kies een andere "
            "TAAKBOT_WEBHOOK_PORT of TAAKBOT_HEALTH_PORT, of een ander TAAKBOT_WEBHOOK_LISTEN."
        ) from None
    server.add_sockets(sockets)
    bound = sockets[0].getsockname()[1]
    log.info("HTTP-server luistert op %s:%s (%s)", listen, bound, path or HEALTH_PATH)
    return HttpServer(server, bound, listen)


def health_report(app: Application, started: float | None = None) -> tuple[bool, dict[str, Any]]:
    """Healthy when the database is where it was opened and the sheet has been read."""
    body: dict[str, Any] = {"uptime_seconds": round(time.time() - (started or time.time()))}
    ok = True
    services = app.bot_data.services
    store = services.store if services is not None else None
    try:
        if store is not None:
            store.check()
        body["database"] = "ok" if store is not None else "niet geopend"
    except Exception as exc:
        ok, body["database"] = False, str(exc)
    cache = services.cache if services is not None else None
    if cache is not None:
        body["sheet_stale"] = bool(getattr(cache, "stale", False))
        age = getattr(cache, "age_seconds", None)
        body["sheet_age_seconds"] = round(age) if isinstance(age, int | float) else None
    body["status"] = "ok" if ok else "fout"
    return ok, body
