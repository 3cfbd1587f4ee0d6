"""A push as an Adaptive Card in a Teams channel, through a Teams Workflows webhook.

The workflow "Post to a channel when a webhook request is received" takes a message whose
`attachments` hold one card (`application/vnd.microsoft.card.adaptive`). The card carries the
same lines and table as the e-mail. A webhook URL carries its own signature: it is a password,
so it is never logged, shown or put in an error (errors name the channel's scope instead).
429 and 5xx are retried after `Retry-After` (bounded); a lost answer after the request went out
may have posted: 'uncertain', never resent by itself.
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.channels.pace import Pace
from bot.channels.smtp import Outcome
from bot.store import FAILED, SENT, UNCERTAIN
from commands.i18n import gettext_for
from commands.reminders import Grid, Message
from sheets.sources.retry import RetryPolicy, backoff_delay, header_seconds

CARD = "application/vnd.microsoft.card.adaptive"
TEAMS_RETRY = RetryPolicy(attempts=5, base=2.0, cap=60.0, budget=300.0)
MAX_BYTES = 27 * 1024  # Teams refuses a message over 28 KB; a margin for the envelope
VERSION = "1.5"  # Table needs 1.5; Teams shows 1.5 on desktop, web and mobile
_BOLD = re.compile(r"</?b>")
_ITALIC = re.compile(r"</?i>")
_TAG = re.compile(r"<[^>]+>")
# Not sent: nothing reached the webhook, so posting again cannot duplicate.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def markdown(line: str) -> str:
    """Telegram HTML → the Markdown subset a TextBlock shows (**bold**, _italic_)."""
    line = _ITALIC.sub("_", _BOLD.sub("**", line))
    return html.unescape(_TAG.sub("", line))


def card(message: Message, limit: int = MAX_BYTES) -> dict[str, Any]:
    """The webhook's JSON: one Adaptive Card with the push's title, table and lines.

    Teams refuses a message over 28 KB, and a province's table as Table cells comes close (52
    municipalities: 27 KB in compact JSON). So the table falls back to aligned monospace lines
    when the card would be too big, and then the last detail lines are cut, saying how many.
    """
    lines = message.text.split("\n")
    title = markdown(message.subject or lines[0])
    details = lines[1:]
    grid = message.grid if message.grid is not None and message.grid.rows else None
    _ = gettext_for(message.lang)
    more = _("… en nog {n} regels")

    def build(table: Callable[[Grid], dict[str, Any]], shown: int) -> dict[str, Any]:
        kept = details[:shown] + (
            [more.format(n=len(details) - shown)] if shown < len(details) else []
        )
        body = [_title(title), *([table(grid)] if grid else []), *_paragraphs(kept)]
        return _message(body)

    def fits(payload: dict[str, Any]) -> bool:
        return len(encode(payload)) <= limit

    table = _table
    for table in (_table, _monospace):
        payload = build(table, len(details))
        if fits(payload) or grid is None:
            break
    if fits(payload):
        return payload
    low, high = 0, len(details)  # the most detail lines that fit
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(build(table, middle)) else (low, middle - 1)
    return build(table, low)


def encode(payload: dict[str, Any]) -> bytes:
    """Compact JSON, as posted (every byte counts against Teams' limit)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _title(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def _paragraphs(lines: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    paragraph: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            paragraph.append(markdown(line.replace("• ", "- ", 1)))
            continue
        if paragraph:
            out.append({"type": "TextBlock", "text": "\n".join(paragraph), "wrap": True})
            paragraph = []
    return out


def _message(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": CARD,
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": VERSION,
                    "msteams": {"width": "Full"},
                    "body": body,
                },
            }
        ],
    }


def _table(grid: Grid) -> dict[str, Any]:
    def row(cells: tuple[str, ...], bold: bool = False) -> dict[str, Any]:
        weight = {"weight": "Bolder"} if bold else {}
        return {
            "type": "TableRow",
            "cells": [
                {"type": "TableCell", "items": [{"type": "TextBlock", "text": c, **weight}]}
                for c in cells
            ],
        }

    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "gridStyle": "accent",
        "columns": [
            {"width": 3} if i == 0 else {"width": 1, "horizontalCellContentAlignment": "Right"}
            for i in range(len(grid.header))
        ],
        "rows": [row(grid.header, True), *(row(r) for r in grid.rows)],
    }


def _monospace(grid: Grid) -> dict[str, Any]:
    """The table as aligned lines in a monospace TextBlock, as the phone shows one in <pre>."""
    rows = (grid.header, *grid.rows)
    widths = [max(len(r[i]) for r in rows) for i in range(len(grid.header))]
    text = "\n".join(
        "  ".join(
            [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        )
        for r in rows
    )
    return {"type": "TextBlock", "text": text, "fontType": "Monospace", "wrap": False}


def retry_after(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """`Retry-After` in seconds, given as seconds or as an HTTP date; None without one."""
    return header_seconds(response.headers.get("Retry-After"), now)


class TeamsPoster:
    """Posts cards to webhooks: paced per webhook, retried as Teams asks."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        pace: Pace | None = None,
        policy: RetryPolicy = TEAMS_RETRY,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.client, self.pace, self.policy = client, pace, policy
        self.sleep, self.clock, self.rng = sleep, clock, rng

    async def post(
        self,
        url: str,
        payload: dict[str, Any],
        mark: Callable[[], Awaitable[bool]] | None = None,
        name: str = "Teams",
    ) -> Outcome | None:
        """Post once, retrying what Teams says to retry; None when `mark()` said not to send.

        `name` (the channel's scope) stands for the webhook in every error: never the URL.
        """
        start, attempt, marked = self.clock(), 0, mark is None
        while True:
            attempt += 1
            wait = self.pace.reserve(url) if self.pace else 0.0
            if wait > 0:
                await self.sleep(wait)
            if not marked:
                if not await mark():  # type: ignore[misc]
                    return None
                marked = True
            asked: float | None = None
            try:
                response = await self.client.post(
                    url, content=encode(payload), headers={"Content-Type": "application/json"}
                )
            except _NOT_SENT as exc:
                error = f"{name}: geen verbinding ({type(exc).__name__})"
            except httpx.TransportError as exc:  # the request went out, no answer came back
                return Outcome(
                    UNCERTAIN,
                    f"{name}: geen antwoord na het versturen ({type(exc).__name__}); misschien "
                    "geplaatst",
                    attempt,
                )
            else:
                code = response.status_code
                if 200 <= code < 300:
                    return Outcome(SENT, None, attempt)
                if code != 429 and code < 500:  # the card or the webhook is wrong: won't heal
                    return Outcome(FAILED, f"{name}: {code} {_reason(code)}", attempt, True)
                error = f"{name}: {code} {_reason(code)}"
                asked = retry_after(response)
            delay = max(backoff_delay(self.policy, attempt - 1, self.rng), asked or 0.0)
            spent = self.clock() - start
            if attempt >= self.policy.attempts or spent + delay > self.policy.budget:
                return Outcome(FAILED, f"tijdelijk geweigerd, {attempt}× geprobeerd: {error}",
                               attempt)  # fmt: skip
            await self.sleep(delay)


def _reason(code: int) -> str:
    return {
        400: "de kaart werd geweigerd",
        401: "geen toegang tot de webhook",
        403: "geen toegang tot de webhook",
        404: "de webhook bestaat niet (meer): maak hem opnieuw aan",
        413: "het bericht is te groot",
        429: "te veel berichten, later opnieuw",
    }.get(code, "tijdelijke fout bij Teams" if code >= 500 else "geweigerd")
