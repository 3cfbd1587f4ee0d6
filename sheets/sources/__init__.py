"""Where a workbook comes from and goes to: Google Sheets (gsheet, with its bounded back-off in
retry), a Microsoft 365 workbook through Microsoft Graph (m365; links: the link a person copies;
errors: the SourceError both raise), .xlsx/.ods/CSV on disk (local; error_cells puts back the formula errors calamine reads as
blank), TAAKBOT_SOURCE → a source (pick), the ladder writers (ladder/: one module per format behind a registry), the
bundled sample (sample, sample_data, data/) and an empty workbook to start from (template).

It may import engine and sheets/tabs, sheets/overviews; never bot, commands or another room of
sheets (tests/test_rooms.py).
"""
