"""The fixed tabs as data (layout: tabs, columns, aliases), Dutch cell notation (values), the
parsed rows of a tab with each bad cell a Problem naming its cell (rows) and records made in bulk
without a Python __init__ per row (bulk).

It may import engine only; never bot, commands or another room of sheets (tests/test_rooms.py).
"""
