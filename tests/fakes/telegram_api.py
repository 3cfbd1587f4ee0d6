"""A fake Telegram Bot API server on loopback, so tests drive the real python-telegram-bot.

Point PTB at it with ``base_url=server.base_url`` and ``base_file_url=server.base_file_url``.
It speaks the Bot API wire format (JSON, form-urlencoded and multipart requests; ``{"ok": ..}``
responses with real error codes) and mimics the Telegram behaviour our bot must survive:
long polling with offsets, 403 for blocked users, 429 flood control, 400 for bad HTML or
unmodified edits. Tests steer it through plain Python methods, not HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import inspect
import ipaddress
import itertools
import json
import math
import re
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest
from aiohttp import web

DEFAULT_TOKEN = "123456:TEST-TOKEN"
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
# Parameters that are plain strings on the wire; everything else is JSON-decoded when possible.
# fmt: off
STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "data", "callback_query_id", "url", "action",
    "language_code", "secret_token", "ip_address", "file_id", "inline_message_id",
    "business_connection_id", "description", "short_description", "name", "title", "emoji",
})
ALLOWED_HTML_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
})
# fmt: on
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)

Handler = Callable[[dict[str, Any]], Any]


class ApiError(Exception):
    """An error answered in Bot API shape; raise it from custom method handlers too."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.code)


class Upload(bytes):
    """Uploaded file content; equal to plain bytes, but remembers the multipart filename."""

    filename: str | None = None


class Call(NamedTuple):
    """One HTTP call the bot made: method name as sent and decoded params (files as bytes)."""

    method: str
    params: dict[str, Any]


@dataclass
class SentMessage:
    """A message the fake accepted (send or edit); ``text`` holds the caption for media."""

    method: str
    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    time: float
    photo: bytes | str | None = None
    document: bytes | str | None = None

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


@dataclass
class _Fault:
    error_code: int
    description: str
    parameters: dict[str, Any] | None
    times: int


@dataclass
class _Window:
    """Sliding-window counter: at most ``limit`` accepted events per ``period`` seconds."""

    limit: int
    period: float
    stamps: deque[float] = field(default_factory=deque)

    def retry_after(self, now: float) -> int | None:
        if self.limit <= 0:  # 0 switches this window off
            return None
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return None
        return max(1, math.ceil(self.stamps[0] + self.period - now))


def _decode(name: str, value: Any) -> Any:
    """Undo PTB's form encoding: non-string values arrive JSON-encoded as text."""
    if not isinstance(value, str) or name in STRING_FIELDS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def _image_size(data: bytes | str) -> tuple[int, int]:
    if isinstance(data, bytes) and data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 100, 100


def check_html(text: str) -> str:
    """Validate Telegram HTML like the real parser does; return the visible plain text."""
    stack: list[tuple[str, int]] = []
    pos = 0
    while (start := text.find("<", pos)) != -1:
        m = _TAG_RE.match(text, start)
        offset = len(text[:start].encode())
        if not m:
            raise ApiError(
                400,
                "Bad Request: can't parse entities: Unexpected end of name "
                f"token at byte offset {offset}",
            )
        closing, tag = m.group(1), m.group(2).lower()
        if tag not in ALLOWED_HTML_TAGS:
            kind = "end" if closing else "start"
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Unsupported {kind} tag "
                f'"{tag}" at byte offset {offset}',
            )
        if closing:
            if not stack or stack[-1][0] != tag:
                expected = f', expected "</{stack[-1][0]}>"' if stack else ""
                raise ApiError(
                    400,
                    "Bad Request: can't parse entities: Unmatched end tag at "
                    f'byte offset {offset}{expected}, found "</{tag}>"',
                )
            stack.pop()
        else:
            stack.append((tag, offset))
        pos = m.end()
    if stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag "
            f'corresponding to start tag "{stack[-1][0]}"',
        )
    return html.unescape(_TAG_RE.sub("", text))


class FakeTelegramServer:
    """In-process Bot API double; use as ``async with FakeTelegramServer() as server``."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, max_long_poll: float = 2.0) -> None:
        self.token = token
        self.max_long_poll = max_long_poll  # caps getUpdates waits so teardown stays fast
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Taakbot",
            "username": "taakbot_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.validate_html = True
        self.clock: Callable[[], float] = time.monotonic
        self.port = 0
        self.calls: list[Call] = []
        self.edits: list[SentMessage] = []
        self.deleted: list[tuple[int, int]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.count_429 = 0  # every 429 answered, injected or from enforce_limits
        self._sent: list[SentMessage] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._open_callbacks: set[str] = set()
        self._blocked: set[int] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._drops: list[list[Any]] = []  # [method, chat_id or None, times]
        self._limits: dict[str, Any] | None = None
        self._windows: dict[Any, _Window] = {}
        self._update_event = asyncio.Event()
        self._activity = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Handler] = {}
        for attr in dir(self):  # every _m_<method> below is a built-in Bot API method
            if attr.startswith("_m_"):
                self.add_method(attr[3:], getattr(self, attr))

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> FakeTelegramServer:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._closing = False
        self._update_event, self._activity = asyncio.Event(), asyncio.Event()  # this loop's
        return self

    async def stop(self) -> None:
        self._closing = True  # wakes pending long polls so shutdown does not wait them out
        self._wake("_update_event")
        self._wake("_activity")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def add_method(self, name: str, handler: Handler) -> None:
        """Register (or override) a Bot API method; handler(params) returns the result or
        raises ApiError, and may be async. Names are case-insensitive like Telegram's."""
        self._methods[name.lower()] = handler

    # -- test control ----------------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``update_id`` is assigned) for the next getUpdates."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._wake("_update_event")
        return update

    def push_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str = "nl",
        chat_type: str | None = None,
    ) -> dict[str, Any]:
        """Queue a user's text message; a leading /command gets a bot_command entity."""
        user_id = user_id if user_id is not None else (chat_id if chat_id > 0 else 1000)
        user = self._user(user_id, first_name, language_code)
        chat = self._chat(chat_id, chat_type, first_name)
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            msg["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
            ]
        self._messages[(chat_id, msg["message_id"])] = msg
        return self.push_update({"message": msg})

    def push_callback_query(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        first_name: str = "Test",
        language_code: str = "nl",
    ) -> dict[str, Any]:
        """Queue a button press on a message the bot sent earlier."""
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"no message {message_id} in chat {chat_id} to attach the query to")
        query_id = str(next(self._ids) + 9_000_000)
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, first_name, language_code),
            "message": message,
            "chat_instance": str(abs(chat_id) * 7 + 1),
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method.lower() == method.lower()]

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Re-check ``predicate`` when an API call arrives and when it is answered, until it is
        truthy; return its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (result := predicate()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self._closing:
                raise AssertionError(f"condition not met within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._activity.wait(), remaining)
        return result

    async def wait_for_messages(
        self, n: int, chat_id: int | None = None, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Wait until at least ``n`` messages were sent (to ``chat_id``); fail loudly if not."""
        try:
            await self.wait_until(lambda: len(self.sent_messages(chat_id)) >= n, timeout)
        except AssertionError:
            texts = [m.text for m in self.sent_messages(chat_id)]
            raise AssertionError(
                f"expected {n} messages to chat {chat_id} within {timeout}s, got {texts}"
            ) from None
        return self.sent_messages(chat_id)

    def block_chat(self, chat_id: int) -> None:
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any but getUpdates) with an
        error; 429s carry ``parameters.retry_after`` like Telegram's flood control."""
        params = {"retry_after": retry_after} if error_code == 429 else None
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if error_code == 429
                else _DEFAULT_DESCRIPTIONS.get(error_code, "Error")
            )
        fault = _Fault(error_code, description, params, times)
        self._faults.setdefault(method.lower(), []).append(fault)

    def drop_answer(self, method: str, chat_id: int | None = None, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` (to ``chat_id``, when given), then
        close the connection instead of answering: the message is delivered, but the client sees
        a dropped connection (httpx.RemoteProtocolError), as after a timeout mid-request."""
        self._drops.append([method.lower(), chat_id, times])

    def enforce_limits(
        self,
        per_chat_per_sec: int = 1,
        global_per_sec: int = 30,
        group_per_min: int = 20,
        *,
        burst: int = 0,
        methods: Iterable[str] = SEND_METHODS,
    ) -> None:
        """Answer 429 where Telegram's documented flood limits would (sliding windows over
        accepted calls of ``methods``); ``burst`` adds slack to every window."""
        self._limits = {
            "chat": per_chat_per_sec + burst,
            "global": global_per_sec + burst,
            "group": group_per_min + burst,
            "methods": {m.lower() for m in methods},
        }
        self._windows.clear()

    def disable_limits(self) -> None:
        self._limits = None

    # -- HTTP plumbing ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        self.calls.append(Call(method, params))
        self._wake("_activity")  # a waiter on calls_to(...) need not wait out a long poll
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._check_fault(method.lower())
            chat_key = self._check_chat(method.lower(), params)
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            if chat_key is not None:
                self._count(chat_key)
        except ApiError as exc:
            if exc.code == 429:
                self.count_429 += 1
            return exc.response()
        finally:
            self._wake("_activity")
        if self._take_drop(method.lower(), params.get("chat_id")) and request.transport:
            request.transport.close()  # done, but the answer never reaches the client
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else None
            raw.update(body or {})
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    upload = Upload(value.file.read())
                    upload.filename = value.filename
                    value = upload
                raw[key] = value
        params = {k: _decode(k, v) for k, v in raw.items()}
        for key, value in params.items():  # resolve attach://name references to the upload
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value[len("attach://") :], value)
        return params

    async def _download(self, request: web.Request) -> web.Response:
        for info in self.files.values():
            if info["file_path"] == request.match_info["path"]:
                return web.Response(body=info["content"])
        raise web.HTTPNotFound()

    def _check_fault(self, method: str) -> None:
        queue = self._faults.get(method) or (
            self._faults.get("*") if method != "getupdates" else None
        )
        if not queue:
            return
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        raise ApiError(fault.error_code, fault.description, fault.parameters)

    def _take_drop(self, method: str, chat_id: Any) -> bool:
        for drop in self._drops:
            if drop[0] == method and drop[1] in (None, chat_id):
                drop[2] -= 1
                if drop[2] <= 0:
                    self._drops.remove(drop)
                return True
        return False

    def _check_chat(self, method: str, params: dict[str, Any]) -> int | None:
        """Apply blocking and flood limits; return the chat to charge if the call succeeds."""
        chat_id = params.get("chat_id")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self._limits is None or method not in self._limits["methods"]:
            return None
        if not isinstance(chat_id, int):
            return None
        now = self.clock()
        for key in self._window_keys(chat_id):
            wait = self._window(key).retry_after(now)
            if wait is not None:
                raise ApiError(
                    429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                )
        return chat_id

    def _window_keys(self, chat_id: int) -> list[Any]:
        keys: list[Any] = ["global", ("chat", chat_id)]
        return [*keys, ("group", chat_id)] if chat_id < 0 else keys

    def _window(self, key: Any) -> _Window:
        if key not in self._windows:
            assert self._limits is not None
            name = key if isinstance(key, str) else key[0]
            period = 60.0 if name == "group" else 1.0
            self._windows[key] = _Window(self._limits[name], period)
        return self._windows[key]

    def _count(self, chat_id: int) -> None:
        now = self.clock()
        for key in self._window_keys(chat_id):
            self._window(key).stamps.append(now)

    def _wake(self, attr: str) -> None:
        """Wake current waiters; a fresh Event lets later waiters block again."""
        getattr(self, attr).set()
        setattr(self, attr, asyncio.Event())

    # -- object builders -------------------------------------------------------------------
    def _user(self, user_id: int, first_name: str, language_code: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def _chat(
        self, chat_id: int, chat_type: str | None = None, first_name: str = "Test"
    ) -> dict[str, Any]:
        if chat_id not in self._chats or chat_type is not None:
            if chat_type is None:
                chat_type = (
                    "private"
                    if chat_id > 0
                    else "supergroup"
                    if str(chat_id).startswith("-100")
                    else "group"
                )
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = first_name
            else:
                chat["title"] = f"Test group {abs(chat_id)}"
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _store_file(self, content: bytes | str, kind: str) -> dict[str, Any]:
        if isinstance(content, str) and content in self.files:  # resend by file_id
            return self.files[content]
        body = content if isinstance(content, bytes) else content.encode()
        n = next(self._ids)
        file_id = f"{kind}{n:08d}" + hashlib.sha1(body).hexdigest()[:24]
        ext = "jpg" if kind == "AgAC" else "dat"
        info = {
            "file_id": file_id,
            "file_unique_id": hashlib.sha1(body).hexdigest()[:16],
            "file_size": len(body),
            "file_path": f"files/file_{n}.{ext}",
            "file_name": getattr(content, "filename", None) or f"file_{n}.{ext}",
            "content": body,
        }
        self.files[file_id] = info
        return info

    # -- Bot API methods -------------------------------------------------------------------
    def _chat_id(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _text(self, params: dict[str, Any], key: str, limit: int) -> str | None:
        text = params.get(key)
        if text is None:
            return None
        plain = str(text)
        if self.validate_html and str(params.get("parse_mode", "")).upper() == "HTML":
            plain = check_html(plain)
        if not plain.strip() and key == "text":
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > limit:
            what = "message caption" if key == "caption" else "message"
            raise ApiError(400, f"Bad Request: {what} is too long")
        return str(text)

    def _send(self, method: str, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        markup = self._markup(params)
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        msg.update({k: v for k, v in fields.items() if v is not None})
        if markup and "inline_keyboard" in markup:  # Telegram echoes inline keyboards only
            msg["reply_markup"] = markup
        self._messages[(chat_id, msg["message_id"])] = msg
        self._sent.append(
            SentMessage(
                method,
                chat_id,
                msg["message_id"],
                fields.get("text") or fields.get("caption"),
                params.get("parse_mode"),
                markup,
                self.clock(),
                params.get("photo"),
                params.get("document"),
            )
        )
        return msg

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = self._text(params, "text", 4096)
        if text is None:
            raise ApiError(400, "Bad Request: message text is empty")
        return self._send("sendMessage", params, text=text)

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = params.get("photo")
        if photo is None:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        info = self._store_file(photo, "AgAC")
        width, height = _image_size(info["content"])
        size = {k: info[k] for k in ("file_id", "file_unique_id", "file_size")}
        caption = self._text(params, "caption", 1024)
        return self._send(
            "sendPhoto",
            params,
            caption=caption,
            photo=[{**size, "width": width, "height": height}],
        )

    def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        document = params.get("document")
        if document is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        info = self._store_file(document, "BQAC")
        doc = {k: info[k] for k in ("file_id", "file_unique_id", "file_size")}
        caption = self._text(params, "caption", 1024)
        return self._send(
            "sendDocument",
            params,
            caption=caption,
            document={**doc, "file_name": info["file_name"]},
        )

    def _edit(self, method: str, params: dict[str, Any], key: str | None) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        msg = self._messages.get((chat_id, params.get("message_id", 0)))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        new = dict(msg)
        if key is not None:
            editable = "text" in msg if key == "text" else ("photo" in msg or "document" in msg)
            if not editable:
                raise ApiError(400, f"Bad Request: there is no {key} in the message to edit")
            new[key] = self._text(params, key, 4096 if key == "text" else 1024)
            if new[key] is None:
                if key == "text":
                    raise ApiError(400, "Bad Request: message text is empty")
                del new[key]
        markup = self._markup(params)
        new.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            new["reply_markup"] = markup
        if new == msg:
            raise ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self._messages[(chat_id, new["message_id"])] = new
        self.edits.append(
            SentMessage(
                method,
                chat_id,
                new["message_id"],
                new.get("text") or new.get("caption"),
                params.get("parse_mode"),
                markup,
                self.clock(),
            )
        )
        return new

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._edit("editMessageText", params, "text")

    def _m_editMessageCaption(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._edit("editMessageCaption", params, "caption")

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._edit("editMessageReplyMarkup", params, None)

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        key = (self._chat_id(params), params.get("message_id", 0))
        if self._messages.pop(key, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append(key)
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired"
                " or query ID is invalid",
            )
        self._open_callbacks.discard(query_id)
        self.callback_answers.append(params)
        return True

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat_id(params)
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirming: Telegram forgets everything below the offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_long_poll)
        deadline = asyncio.get_running_loop().time() + wait
        while not self._updates and not self._closing:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            event = self._update_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                break
        return self._updates[:limit]

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": params.get("url", "")}
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.webhook,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    def _m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(params), [])

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        info = self.files.get(str(params.get("file_id")))
        if info is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {k: v for k, v in info.items() if k not in ("content", "file_name")}

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    def _m_logOut(self, params: dict[str, Any]) -> bool:
        return True


# -- network guard ---------------------------------------------------------------------------
def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like never leave the machine
        return True
    host = address[0]
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_patches() -> dict[str, Callable[..., Any]]:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(address: Any) -> None:
        raise RuntimeError(f"real network access blocked in tests: {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if not _is_local(address):
            refuse(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _is_local(address):
            refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if not _is_local((name, 0)):
            refuse(host)  # DNS is network too, and failing here is faster than a timeout
        return real_getaddrinfo(host, *args, **kwargs)

    return {"connect": connect, "connect_ex": connect_ex, "getaddrinfo": getaddrinfo}


def forbid_real_network() -> Callable[[], None]:
    """Make any non-loopback connect or DNS lookup raise RuntimeError; returns an undo."""
    patches = _guarded_patches()
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
    socket.socket.connect = patches["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = patches["connect_ex"]  # type: ignore[method-assign]
    socket.getaddrinfo = patches["getaddrinfo"]

    def undo() -> None:
        connect, connect_ex, socket.getaddrinfo = saved
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

    return undo


def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixture body: ``no_network = pytest.fixture(autouse=True)(telegram_api.no_network)``."""
    patches = _guarded_patches()
    monkeypatch.setattr(socket.socket, "connect", patches["connect"])
    monkeypatch.setattr(socket.socket, "connect_ex", patches["connect_ex"])
    monkeypatch.setattr(socket, "getaddrinfo", patches["getaddrinfo"])
