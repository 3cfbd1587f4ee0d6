"""The spreadsheet backend: read a workbook and turn it into the engine's DataSet.

- `gsheet` / `local`: sources with `fetch() -> {tab: rows}` (Google Sheets; xlsx, ods, CSV folder)
- `layout` / `values`: the tabs and columns as data; Dutch cell notation
- `convert`: raw tabs → `engine.state.DataSet`, every bad cell a Problem with its cell ref
- `names`: what a user types → gemeente, regio or provincie
- `cache`: the last good DataSet, refreshed after a TTL, served stale when the sheet fails
- `sample` / `template`: the bundled sample workbook; an empty workbook to start from
"""
