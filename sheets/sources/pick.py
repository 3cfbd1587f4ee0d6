"""Pick the spreadsheet source from TAAKBOT_SOURCE: a local workbook, CSV folder, Google Sheet, or
a Microsoft 365 workbook (its SharePoint or OneDrive link)."""

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
    m365: dict[str, Any] | None = None,
    **options: Any,
):
    """`None` means the bundled sample workbook; `gsheet:<id or URL>` a Google Sheet; a
    SharePoint/OneDrive link (or `m365:<link>`) a Microsoft 365 workbook, signed in with `m365`
    (GraphSource's keyword arguments from the settings).

    `pause` reaches a local reader (a reply goes first while it reads); `options` go to a
    remote source (e.g. the injected `sleep` of its retry back-off)."""
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
    from sheets.sources.links import is_m365_link

    if is_m365_link(spec):
        from sheets.sources.m365 import GraphSource

        return GraphSource(spec, **(m365 or {}), **options)
    from sheets.sources.local import LocalSource

    path = Path(spec).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"TAAKBOT_SOURCE wijst naar {path}, maar dat bestaat niet")
    return LocalSource(path, pause)
