"""What a user or a sheet types → gemeente, regio or provincie: the name index with its fuzzy
suggestions (index) and well-known other names (aliases).

It may import engine only; never bot, commands or another room of sheets (tests/test_rooms.py).
"""
