"""Pick the spreadsheet source from TAAKBOT_SOURCE: a local workbook, CSV folder or Google Sheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def open_source(
    spec: str | None,
    *,
    api_url: str | None = None,
    credentials_file: str | None = None,
    pause: Callable[[], None] = lambda: None,
    **options: Any,
):
    """`None` means the bundled sample workbook; `gsheet:<id or URL>` a Google Sheet.

    `pause` reaches a local reader (a reply goes first while it reads); `options` go to
    GoogleSheetSource (e.g. the injected `sleep` of its retry back-off)."""
    if not spec:
        from sheets.sources.local import SAMPLE, LocalSource

        return LocalSource(SAMPLE, pause)
    if spec.startswith("gsheet:"):
        from sheets.sources.gsheet import GoogleSheetSource

        return GoogleSheetSource(
            spec.removeprefix("gsheet:"),
            api_url=api_url,
            credentials_file=credentials_file,
            **options,
        )
    from sheets.sources.local import LocalSource

    path = Path(spec).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"TAAKBOT_SOURCE wijst naar {path}, maar dat bestaat niet")
    return LocalSource(path, pause)
