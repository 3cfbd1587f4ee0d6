"""The real bot with e-mail and Teams configured through its settings: /herinnering in a Telegram
chat counts recipients per channel, one confirmation sends to all three channels, the report in
the chat says how each channel went."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.state import User
from tests.fakes.smtp import PASSWORD, USER, smtp_server
from tests.fakes.teams import FakeTeams
from tests.test_reminders import COORD, dataset
from tests.test_subscriptions_e2e import TZ, Bot, Now, press, pushing_bot, say


async def test_herinnering_through_the_bot_reaches_telegram_mail_and_teams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset()
    data.users += [User(None, "Coördinator", "coordinator", "Haaglanden", "c@haaglanden.test")]
    teams = await FakeTeams().start()
    hooks = tmp_path / "teams"
    hooks.write_text(f"provincie:Zuid-Holland = {teams.url('pzh')}\n", encoding="utf-8")
    try:
        with smtp_server("starttls") as smtp:
            ca = tmp_path / "ca.pem"
            smtp.ca.cert_pem.write_to_path(str(ca))
            monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the bot's default TLS context
            env = {
                "TAAKBOT_SMTP_HOST": "127.0.0.1",
                "TAAKBOT_SMTP_PORT": str(smtp.port),
                "TAAKBOT_SMTP_USER": USER,
                "TAAKBOT_SMTP_PASSWORD": PASSWORD,
                "TAAKBOT_SMTP_PER_MINUTE": "6000",
                "TAAKBOT_MAIL_FROM": "Taakbot Zuid-Holland <taakbot@pzh.test>",
                "TAAKBOT_TEAMS_WEBHOOKS": str(hooks),
            }
            now = Now(datetime(2024, 6, 24, 7, 0, tzinfo=TZ))
            async with pushing_bot(tmp_path, data, now, env=env) as (server, app, pushes):
                b = Bot(server, pushes, now, app)
                await say(b, "/volg Haaglanden", user=COORD)
                (preview,) = await say(b, "/herinnering huurcontracten Zuid-Holland")
                assert "gaat naar 3 gesprekken" in preview.text
                assert "Per kanaal: 1 in Telegram, 1 per e-mail, 1 in Teams." in preview.text
                ack, report = await press(b, preview, 0, replies=2)
                assert "Bezig met versturen naar 3 gesprekken" in ack.text
                await pushes.idle()
                [*_, reminder] = server.sent_messages(COORD)
                assert "Herinnering van de provincie" in reminder.text
            [mail] = smtp.received
    finally:
        await teams.stop()
    assert mail.recipients == ["c@haaglanden.test"]
    assert mail.message["Subject"] == (
        "Herinnering van de provincie: huurcontracten 2024-I uiterlijk 4 juli"
    )
    assert "Delft: nog 80 te huisvesten" in mail.message.get_body(("plain",)).get_content()
    assert [flow for flow, _card in teams.posts] == ["pzh"]
    assert "3 gesprekken: 3 afgeleverd" in report.text
    assert "Per kanaal — Telegram: 1 afgeleverd" in report.text
    assert "e-mail: 1 afgeleverd, 0 mislukt, 0 onzeker; Teams: 1 afgeleverd" in report.text
