"""The spreadsheet backend: read a workbook (Google Sheets, xlsx, ods or a CSV folder) and turn it
into the engine's DataSet, with a data check that names the cell of every problem."""
