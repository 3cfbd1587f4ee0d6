"""The spreadsheet backend: read a workbook and turn it into the engine's DataSet.

- `gsheet` / `local`: sources with `fetch() -> {tab: rows}` (Google Sheets; xlsx, ods, CSV folder)
- `layout` / `values`: the tabs and columns as data; Dutch cell notation
- `convert`: raw tabs → `engine.state.DataSet`, every bad cell a Problem with its cell ref
- `headers` / `overview` / `kolommen`: overview tabs as coordinators keep them, read by content;
  a header → fact, period, date; the `kolommen` tab corrects a reading
- `combine` / `facts` / `selfcheck`: overview facts into the records beside the layout tabs,
  contradictions named; the sheet's own sums recomputed with the engine's rules
- `names` / `aliases`: what a user types → gemeente, regio or provincie; well-known other names
- `cache` / `damage`: the last good DataSet, refreshed after a TTL, served stale when the sheet
  fails or a read lost a tab, a key column or a fact
- `readings`: how every header was read, staff-only notes (`taakbot check`, /controle)
- `sample` / `template`: the bundled sample workbook; an empty workbook to start from
"""
