"""A push as an e-mail, parsed back with the standard library: parts, headers, the figures
beside their labels, and nothing of another scope."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date
from email.utils import parsedate_to_datetime

import pytest

from bot.channels.mail import Letterhead, compose
from commands.records import Subscription
from commands.reminders import Planner
from tests.test_reminders import dataset

TO = "coordinator@haaglanden.test"
HEAD = Letterhead("Taakbot Zuid-Holland <taakbot@pzh.test>", "afmelden@pzh.test")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SENT_AT = 1718866800.0  # 20 June 2024 09:00 in Amsterdam


def parsed(day: date, what: str, chart: bytes | None = None, head: Letterhead = HEAD):
    planner = Planner(dataset(), day)
    subs = [Subscription(f"email:{TO}", "regio", "Haaglanden", 0)]
    if what == "weekly":
        message = planner.weekly(subs, day, {})
    else:
        [message] = planner.reminders(subs, (14, 7, 1))
    raw = compose(message, TO, head, SENT_AT, chart).as_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize(
    ("day", "what", "subject"),
    [
        (date(2024, 6, 17), "weekly", "Weekoverzicht Haaglanden — 17 juni 2024"),
        (date(2024, 6, 20), "reminder", "Herinnering: toets 2024-I uiterlijk 1 juli"),
        (date(2024, 5, 14), "reminder",
         "Herinnering: Bestuurlijk overleg Haaglanden uiterlijk 15 mei"),
    ],
)  # fmt: skip
def test_headers(day: date, what: str, subject: str) -> None:
    mail = parsed(day, what)
    assert mail["Subject"] == subject
    assert mail["To"] == TO
    assert mail["From"].addresses[0].addr_spec == "taakbot@pzh.test"
    assert parsedate_to_datetime(mail["Date"]).timestamp() == SENT_AT
    assert mail["Date"].endswith("+0200")  # Amsterdam summer time
    assert mail["Message-ID"].endswith("@pzh.test>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe"].strip() == (
        "<mailto:afmelden@pzh.test?subject=afmelden%20coordinator%40haaglanden.test>"
    )


def test_the_weekly_overview_parts_carry_the_same_figures_beside_their_labels() -> None:
    mail = parsed(date(2024, 6, 17), "weekly")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    # The table: each municipality's row with its figures in order, in both parts.
    assert "Gemeente  Periode  Gehuisvest  Opgave    %  Trede" in text
    assert "Delft      2024-I          40     120  33%      ?" in text
    assert "Rijswijk   2024-I          40      50  80%      ?" in text
    cells = re.sub(r"<td [^>]*>", "<td>", page)
    for row in (("Delft", "2024-I", "40", "120", "33%", "?"), ("Rijswijk", "2024-I", "40", "50")):
        assert "".join(f"<td>{c}</td>" for c in row) in cells
    # The lines as the phone shows them, as text and as a list.
    assert "Delft: 40 van 120 gehuisvest (33%)" in text
    assert "<li><b>Delft</b>: 40 van 120 gehuisvest (33%)" in page
    assert "<h3><b>Haaglanden</b> (regio)</h3>" in page
    # Only Haaglanden: Leiden (Holland Rijnland) and Leusden (Utrecht) are other scopes.
    for other in ("Leiden", "Leusden"):
        assert other not in text and other not in page
    # How to stop, in both.
    assert "Stuur een e-mail met onderwerp 'afmelden' naar afmelden@pzh.test" in text
    assert "afmelden@pzh.test" in page


def test_a_reminder_names_what_is_behind() -> None:
    text = parsed(date(2024, 6, 20), "reminder").get_body(("plain",)).get_content()
    assert "Delft: nog 80 te huisvesten voor de opgave van 120 (40 gehuisvest per 1 april" in text
    assert "<b>" not in text and "&" not in text


def test_the_chart_is_an_inline_image() -> None:
    mail = parsed(date(2024, 6, 17), "weekly", PNG)
    related = mail.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    image = next(p for p in mail.walk() if p.get_content_type() == "image/png")
    assert image.get_content() == PNG
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in mail.get_body(("html",)).get_content()


def test_without_an_unsubscribe_address_the_stop_line_says_whom_to_ask() -> None:
    mail = parsed(date(2024, 6, 17), "weekly", head=Letterhead("taakbot@pzh.test"))
    assert mail["List-Unsubscribe"] is None
    assert "Vraag wie de sheet bijhoudt uw e-mailadres te verwijderen" in (
        mail.get_body(("plain",)).get_content()
    )
