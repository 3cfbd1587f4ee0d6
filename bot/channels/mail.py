"""A push as an e-mail: a Dutch subject, an HTML part laid out like the phone answer (with the
table, and the chart as an inline image where the push has one), a plain-text part with the same
figures, and the headers a mail server and a reader expect (Date, Message-ID, how to stop)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import quote
from zoneinfo import ZoneInfo

from commands.i18n import gettext_for
from commands.reminders import Grid, Message

_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^<b>[^<]*</b>( \([^)]*\))?$")  # '<b>Haaglanden</b> (regio)'


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What every mail carries besides its push: who sends it and how to stop receiving it."""

    sender: str  # TAAKBOT_MAIL_FROM: 'Taakbot <taakbot@pzh.nl>' or a bare address
    unsubscribe: str = ""  # TAAKBOT_MAIL_AFMELDEN: an address that takes stop requests
    tz: ZoneInfo = ZoneInfo("Europe/Amsterdam")


def plain(line: str) -> str:
    """Telegram HTML → text: tags dropped, entities read."""
    return html.unescape(_TAG.sub("", line))


def compose(
    message: Message,
    to: str,
    head: Letterhead,
    sent_at: float,
    chart: bytes | None = None,
) -> EmailMessage:
    """The whole e-mail for one recipient; `sent_at` (epoch seconds) from the injected clock."""
    _ = gettext_for(message.lang)
    mail = EmailMessage()
    mail["Subject"] = message.subject or plain(message.text.split("\n", 1)[0])
    mail["From"] = head.sender
    mail["To"] = to
    mail["Date"] = format_datetime(datetime.fromtimestamp(sent_at, head.tz))
    domain = parseaddr(head.sender)[1].rpartition("@")[2] or "taakbot.invalid"
    mail["Message-ID"] = make_msgid("taakbot", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to it
    stop = stop_line(message.lang, to, head.unsubscribe)
    if head.unsubscribe:
        subject = quote(f"afmelden {to}")
        mail["List-Unsubscribe"] = f"<mailto:{head.unsubscribe}?subject={subject}>"
    lines = message.text.split("\n")
    mail.set_content(plain_body(lines, message.grid, stop))
    cid = make_msgid("grafiek", domain=domain) if chart else None
    mail.add_alternative(html_body(lines, message.grid, stop, cid, _("Grafiek")), subtype="html")
    if chart and cid:
        mail.get_payload()[1].add_related(chart, "image", "png", cid=cid, filename="grafiek.png")
    return mail


def stop_line(lang: str, to: str, unsubscribe: str) -> str:
    """Why this address gets the mail and how to stop it: one line under every message."""
    _ = gettext_for(lang)
    text = _(
        "U ontvangt dit bericht van Taakbot omdat {address} in het tabblad gebruikers van de "
        "sheet van uw provincie of regio staat."
    ).format(address=to)
    if unsubscribe:
        return (
            text
            + " "
            + _(
                "Niet meer ontvangen? Stuur een e-mail met onderwerp 'afmelden' naar {stop}."
            ).format(stop=unsubscribe)
        )
    return (
        text
        + " "
        + _("Niet meer ontvangen? Vraag wie de sheet bijhoudt uw e-mailadres te verwijderen.")
    )


def plain_body(lines: list[str], grid: Grid | None, stop: str) -> str:
    """The text part: the same lines and figures as the HTML, the table in aligned columns."""
    out = [plain(lines[0])]
    if grid is not None and grid.rows:
        out += ["", *_aligned(grid)]
    out += [plain(line) for line in lines[1:]]
    return "\n".join(out).rstrip() + "\n\n-- \n" + stop + "\n"


def _aligned(grid: Grid) -> list[str]:
    widths = [max(len(r[i]) for r in (grid.header, *grid.rows)) for i in range(len(grid.header))]
    rows = []
    for r in (grid.header, *grid.rows):
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        rows.append("  ".join(cells).rstrip())
    return rows


def html_body(
    lines: list[str], grid: Grid | None, stop: str, cid: str | None = None, alt: str = ""
) -> str:
    """The HTML part: the phone answer's lines (its tags are Telegram's few, already escaped)
    as headings, paragraphs and lists, the table as a table, the chart inline."""
    body = [f"<h2>{lines[0]}</h2>"]
    if grid is not None and grid.rows:
        body.append(_table(grid))
    if cid:
        body.append(f'<p><img src="cid:{cid[1:-1]}" alt="{html.escape(alt)}" width="600"></p>')
    items: list[str] = []
    for line in [*lines[1:], ""]:
        text = line.strip()
        if text.startswith("• "):
            items.append(f"<li>{text[2:]}</li>")
            continue
        if items:
            body.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if not text:
            continue
        body.append(f"<h3>{text}</h3>" if _HEADING.match(text) else f"<p>{text}</p>")
    style = "font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#1b1b1b"
    foot = f'<hr><p style="font-size:12px;color:#555">{html.escape(stop)}</p>'
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head>'
        f'<body style="{style}">' + "\n".join(body) + foot + "</body></html>"
    )


def _table(grid: Grid) -> str:
    cell = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:{}"'
    head = "".join(
        f"<th {cell.format('left' if i == 0 else 'right')}>{html.escape(h)}</th>"
        for i, h in enumerate(grid.header)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td {cell.format('left' if i == 0 else 'right')}>{html.escape(c)}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in grid.rows
    )
    return (
        '<table style="border-collapse:collapse" role="presentation">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def address_of(sender: str) -> str:
    """The bare address of 'Taakbot <taakbot@pzh.nl>' (the SMTP envelope's MAIL FROM)."""
    return parseaddr(sender)[1]


__all__ = ["Letterhead", "address_of", "compose", "html_body", "plain", "plain_body"]
