"""The ways out besides Telegram: e-mail over SMTP and posts in a Teams channel.

`mail` and `teams` turn a push (commands.reminders.Message: its Telegram HTML, subject and table)
into an e-mail or an Adaptive Card; `smtp` and `teams` deliver them with bounded retries and a
pace per server or webhook; `recipients` says who gets what from the sheet and the webhook file;
`push` puts every send through the same ledger as Telegram's.
"""
