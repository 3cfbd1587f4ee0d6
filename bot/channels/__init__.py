"""The ways out besides Telegram: e-mail over SMTP and posts in a Teams channel.

`mail` and `teams` turn a push (commands.reminders.Message: its Telegram HTML, subject and table)
into an e-mail or an Adaptive Card; `smtp` and `teams` deliver them with bounded retries, `pace`
keeps a pace per server or webhook; `webhooks` reads TAAKBOT_TEAMS_WEBHOOKS; `recipients` says
who gets what from the sheet and the webhook file; `push` puts every send through the same ledger
as Telegram's; `weekly` is `taakbot weekoverzicht`. Imports: bot.store, bot.broadcast (Summary),
bot.jobs (only `weekly`), and commands/ below.
"""
