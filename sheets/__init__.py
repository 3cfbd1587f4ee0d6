"""The spreadsheet backend: read a workbook and turn it into the engine's DataSet.

Rooms, each a sub-package whose docstring says what it holds and what it may import (the arrows
are kept by tests/test_rooms.py):

- `sources`: where a workbook comes from and goes to (Google Sheets, .xlsx/.ods/CSV, the sample)
- `tabs`: the fixed tabs and columns as data, Dutch cell notation, parsed rows
- `names`: what a user or a sheet types → gemeente, regio or provincie
- `overviews`: overview tabs as coordinators keep them, read by content; their facts and sums
- `loading`: raw tabs → a checked DataSet; the damage check of a read
- `runtime`: the cache the bot serves from, and the reply-first gate (passed in as a pause)

Arrows: runtime → loading → overviews → tabs, names; sources → overviews, tabs; all → engine.
"""
