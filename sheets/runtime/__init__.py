"""What lives while the bot runs: the last good DataSet, refreshed in the background and served
stale when a read fails (cache), and the process-wide gate that lets a reply go before a refresh
(courtesy; only the bot imports it and passes its pause in).

It may import engine and sheets/loading, sheets/names; never bot, commands or another room of
sheets (tests/test_rooms.py).
"""
