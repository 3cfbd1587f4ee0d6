"""A fake Teams Workflows webhook on loopback: checks the signature in the URL and the Adaptive
Card's required fields, answers as scripted (429 with Retry-After, 5xx, a dropped line)."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

from aiohttp import web

CARD = "application/vnd.microsoft.card.adaptive"
MAX_BYTES = 28 * 1024  # Teams refuses bigger messages


def card_errors(message: Any) -> list[str]:
    """What the Adaptive Card schema (and Teams) require of a webhook message; [] when fine."""
    errors: list[str] = []
    if not isinstance(message, dict) or message.get("type") != "message":
        errors.append("type moet 'message' zijn")
        return errors
    attachments = message.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return ["attachments ontbreekt of is leeg"]
    for a in attachments:
        if a.get("contentType") != CARD:
            errors.append(f"contentType {a.get('contentType')!r}")
        content = a.get("content")
        if not isinstance(content, dict) or content.get("type") != "AdaptiveCard":
            errors.append("content is geen AdaptiveCard")
            continue
        if not re.fullmatch(r"1\.[0-6]", str(content.get("version", ""))):
            errors.append(f"version {content.get('version')!r}")
        body = content.get("body")
        if not isinstance(body, list) or not body:
            errors.append("body ontbreekt of is leeg")
            continue
        for element in body:
            errors += _element_errors(element, "body")
    return errors


def _element_errors(e: Any, where: str) -> list[str]:
    if not isinstance(e, dict) or "type" not in e:
        return [f"{where}: element zonder type"]
    kind = e["type"]
    if kind == "TextBlock":
        return (
            []
            if isinstance(e.get("text"), str) and e["text"]
            else [f"{where}: TextBlock zonder text"]
        )
    if kind == "Table":
        columns = e.get("columns")
        if not isinstance(columns, list) or not all("width" in c for c in columns):
            return [f"{where}: Table zonder columns met width"]
        out = []
        for i, row in enumerate(e.get("rows") or []):
            if row.get("type") != "TableRow" or not isinstance(row.get("cells"), list):
                out.append(f"{where}: rij {i} is geen TableRow")
                continue
            if len(row["cells"]) != len(columns):
                out.append(f"{where}: rij {i} heeft {len(row['cells'])} cellen")
            for cell in row["cells"]:
                if cell.get("type") != "TableCell" or not isinstance(cell.get("items"), list):
                    out.append(f"{where}: rij {i}: cel is geen TableCell met items")
                    continue
                for item in cell["items"]:
                    out += _element_errors(item, f"{where}/rij {i}")
        return out
    if kind == "Image":
        return [] if e.get("url") else [f"{where}: Image zonder url"]
    return [f"{where}: onbekend element {kind!r}"]


class FakeTeams:
    def __init__(self) -> None:
        self.port = 0
        self.secret = "sig-" + "x" * 40
        self.posts: list[tuple[str, dict[str, Any]]] = []  # (flow id, message) taken
        self.rejected: list[list[str]] = []
        self.script: dict[str, list[str]] = {}  # flow id → answers in turn: '429:3', '503', 'drop'
        self.requests = 0
        self._runner: web.AppRunner | None = None

    def url(self, flow: str) -> str:
        return (
            f"http://127.0.0.1:{self.port}/workflows/{flow}/triggers/manual/paths/invoke"
            f"?api-version=1&sig={self.secret}"
        )

    async def start(self) -> FakeTeams:
        app = web.Application()
        app.router.add_post("/workflows/{flow}/triggers/manual/paths/invoke", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        flow = request.match_info["flow"]
        if request.query.get("sig") != self.secret:
            return web.json_response({"error": "signature"}, status=401)
        raw = await request.read()
        answers = self.script.get(flow) or []
        answer = answers.pop(0) if answers else "202"
        if answer != "drop" and not answer.startswith("2"):
            code, _, wait = answer.partition(":")
            headers = {"Retry-After": wait} if wait else {}
            return web.Response(status=int(code), headers=headers)
        if len(raw) > MAX_BYTES:
            return web.json_response({"error": "te groot"}, status=413)
        try:
            message = json.loads(raw)
        except ValueError:
            return web.json_response({"error": "geen JSON"}, status=400)
        errors = card_errors(message)
        if errors:
            self.rejected.append(errors)
            return web.json_response({"error": errors}, status=400)
        self.posts.append((flow, message))
        if answer == "drop":  # posted, then the line went dead before the answer
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=202)
        return web.Response(status=int(answer))
