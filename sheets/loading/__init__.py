"""Raw tabs → the engine's checked DataSet (convert), each Problem attributed to its municipality
(attribution), and the check that a read lost no tab, key column or fact (damage).

It may import engine and sheets/tabs, sheets/names, sheets/overviews; never bot, commands or
another room of sheets (tests/test_rooms.py).
"""
