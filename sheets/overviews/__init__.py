"""Overview tabs as coordinators keep them, read by content: a header → fact, period and date
(headers), the `kolommen` tab that corrects a reading (kolommen), the rows of an overview
(overview), their facts beside the layout tabs (facts, combine), the sheet's own sums recomputed
(selfcheck) and how each column was read (readings).

It may import engine and sheets/tabs, sheets/names; never bot, commands or another room of sheets
(tests/test_rooms.py).
"""
