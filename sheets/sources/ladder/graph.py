"""Record ladder decisions in a Microsoft 365 workbook through Microsoft Graph, exactly once.

One round is one workbook session (`createSession` with `persistChanges`, closed afterwards) in
which the writer

1. takes the workbook's write slot: it adds a worksheet of its own, `taakbot-bezig-<write id>`,
   and holds the slot while its sheet stands first among such sheets (a new worksheet goes last,
   so the first one added wins; a sheet standing first for longer than `LEASE` seconds of waiting
   was left by a writer that died, and is removed by its id, never by name);
2. reads the ladder tab (or adds one), leaves out what is there (base.sort_out), and writes the
   new rows below the used range with one range `PATCH`, or with `tables/{name}/rows/add` where
   the ladder is an Excel table; text is typed with a leading apostrophe, which Excel takes as
   "this is text" and does not store, so `'s-Gravenhage` and `=…` stay text;
3. reads the tab back, and lets the slot go (deletes its worksheet).

Why a slot: Graph has no append that lands below whatever is there at that moment, and a range
PATCH to an address computed from an earlier read overwrites rows another process wrote in
between. Adding a worksheet is atomic and answers 409 to a name that exists, so a lost answer is
recognised as "ours". A PATCH whose answer was lost is sent again to the same address (the slot
is held: nobody else wrote there); a `rows/add` is read back first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sheets.sources.errors import SourceError
from sheets.sources.ladder.base import (
    LadderRow,
    Layout,
    NoWriteAccess,
    Reading,
    UncertainWrite,
    WriteError,
    Written,
    ladder_title,
    layout,
    sort_out,
)
from sheets.sources.ladder.protocol import (
    FIELDS,
    WRITE_ID,
    entered,
    new_write_id,
    outcome,
    settle,
    tidy,
    uncertain,
    void_note,
)
from sheets.sources.m365 import SLOT_PREFIX, GraphError, GraphSource, rows_of
from sheets.tabs.layout import column_letter

log = logging.getLogger(__name__)

LEASE = 120.0  # seconds of waiting after which a slot that stays first counts as abandoned
POLL = (0.05, 5.0)  # seconds between looks at the slot: the first wait, doubling to the last


def append(
    source: GraphSource, rows: Sequence[LadderRow], reading: Reading | None = None
) -> Written:
    """Record `rows` in the workbook's ladder tab; raises WriteError (NoWriteAccess when the app
    may read but not write, UncertainWrite when rows were sent and the outcome is unknown)."""
    writer = _Writer(source, rows, reading or Reading())
    try:
        return writer.run()
    except GraphError as exc:
        raise writer.error(exc) from exc
    except SourceError as exc:  # retries spent, or the sign-in refused
        raise (
            writer.uncertain(str(exc))
            if writer.sent
            else WriteError(f"{exc} Er is niets geschreven.")
        ) from exc


class _Writer:
    def __init__(self, source: GraphSource, rows: Sequence[LadderRow], reading: Reading) -> None:
        self.source, self.rows, self.reading = source, rows, reading
        self.write_id = new_write_id()
        self.slot_name = f"{SLOT_PREFIX}{self.write_id}"
        self.session: str | None = None
        self.sent = False  # a write of rows went out (its outcome may be unknown)

    # -- the round ----------------------------------------------------------------------------

    def run(self) -> Written:
        self.source.version()  # resolves the link and checks it is an .xlsx
        book = self.source.book
        created = self.request("POST", f"{book}/createSession", {"persistChanges": True})
        self.session = created.get("id")  # a 202 (still opening) has none: work sessionless
        slot: str | None = None
        try:
            slot, sheets = self._take_slot()
            return self._write(sheets)
        finally:
            self._close(slot)

    def _write(self, sheets: list[dict[str, Any]]) -> Written:
        names = [s["name"] for s in sheets if not s["name"].startswith(SLOT_PREFIX)]
        title = ladder_title(names)
        created = title is None
        if created:
            title = "ladder"
            sheet = self._add_sheet(title)
            raw: list[list[Any]] = []
        else:
            sheet = next(s for s in sheets if s["name"] == title)
            raw = self._read(sheet)
        lay = layout(title, raw, FIELDS)
        out = sort_out(self.rows, raw, lay, self.reading, created)
        if raw:  # copies an earlier writer left unmarked (it stopped before its read-back)
            self._mark(sheet, lay, tidy(raw, lay, self.rows, self.reading), out)
        if not out.added:
            return out
        values = [lay.cells(row, entered, {WRITE_ID: self.write_id}) for row in out.added]
        table = None if created else self._table(sheet, lay)
        if table is not None:
            first = self._rows_add(sheet, table, lay, values)
        else:
            try:
                first = self._patch(sheet, lay, raw, values, created)
            except GraphError:
                if created:  # refused: the new tab goes again, nothing stays half-made
                    self._delete_sheet(sheet["id"])
                raise
        return self._settle(sheet, lay, out, first)

    def _settle(self, sheet: dict[str, Any], lay: Layout, out: Written, first: int) -> Written:
        """Read the tab back: the write-id protocol (sheets.sources.ladder.protocol) keeps the
        first row per gemeente and date and marks a later copy of ours, should another writer
        have taken an abandoned slot from us while we were still writing."""
        where = f"{self.source.describe()}, tabblad {lay.title}"
        try:
            back = self._read(sheet)
        except (GraphError, SourceError) as exc:
            raise UncertainWrite(
                f"onzeker: geschreven, maar niet nagelezen ({exc}). Kijk in {where} of een "
                f"gemeente op deze datum twee rijen heeft; de rijen met schrijf_id "
                f"{self.write_id} zijn van deze poging."
            ) from exc
        settled = settle(back, lay, self.write_id, out.added, self.reading)
        if settled.missing:
            raise uncertain(
                where, self.write_id, f"{len(settled.missing)} rijen niet teruggelezen"
            )
        self._mark(sheet, lay, {r: (settled.winners[r], self.write_id) for r in settled.void}, out)
        done = outcome(out, settled)
        if not settled.void:
            done.landed(first, lay.width)
        return done

    def _mark(
        self, sheet: dict[str, Any], lay: Layout, void: dict[int, tuple[int, str]], out: Written
    ) -> None:
        """Mark each second copy 'vervallen: dubbel van rij N (its write id)' in its write-id
        cell: readers skip it, and its writer still knows the row for its own."""
        column = column_letter(lay.columns[WRITE_ID])
        for row, (winner, write_id) in sorted(void.items()):
            note = void_note(winner, write_id)
            self._patch_range(sheet, f"{column}{row}", [[entered(WRITE_ID, note)]])
            out.voided.append(f"{lay.title}!{column}{row}")

    # -- the slot -----------------------------------------------------------------------------

    def _take_slot(self) -> tuple[str, list[dict[str, Any]]]:
        """Add our slot worksheet and wait until it stands first; returns its id and the
        worksheets as they stood then."""
        mine = self._add_sheet(self.slot_name)["id"]
        waited, seen = 0.0, {}  # another slot's id → how long we had waited when first seen
        while True:
            sheets = self.worksheets()
            slots = [s for s in sheets if s["name"].startswith(SLOT_PREFIX)]
            if not slots or slots[0]["name"] == self.slot_name:
                return mine, sheets
            ahead = slots[0]
            since = seen.setdefault(ahead["id"], waited)
            if waited - since >= LEASE:
                log.warning("%s: removing abandoned %s", self.source.describe(), ahead["name"])
                self._delete_sheet(ahead["id"])
                continue
            if waited >= 3 * LEASE:
                raise WriteError(
                    f"{self.source.describe()}: een andere Taakbot legt al minuten vast "
                    f"({ahead['name']}); probeer het later opnieuw. Er is niets geschreven."
                )
            step = min(POLL[1], max(POLL[0], waited))  # doubles: each wait as long as all before
            self.source.pause(step)
            waited += step

    def _close(self, slot: str | None) -> None:
        """Let the slot go and close the session; a failure here is logged (the next writer
        removes a slot left standing after LEASE), never raised over the round's result."""
        try:
            if slot is not None:
                self._delete_sheet(slot)
            if self.session:
                self.request("POST", f"{self.source.book}/closeSession", {})
        except (GraphError, SourceError) as exc:
            log.warning("%s: closing the write slot failed: %s", self.source.describe(), exc)

    # -- requests -----------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        return self.source.request(method, path, body, session=self.session)

    def worksheets(self) -> list[dict[str, Any]]:
        answer = self.request("GET", f"{self.source.book}/worksheets?$select=id,name,position")
        return sorted(answer.get("value", []), key=lambda s: s.get("position", 0))

    def _sheet(self, sheet: dict[str, Any]) -> str:
        return f"{self.source.book}/worksheets/{quote(str(sheet['id']), safe='')}"

    def _add_sheet(self, name: str) -> dict[str, Any]:
        """worksheets/add; a 409 for our own name means an earlier try landed: it is ours."""
        try:
            return self.request("POST", f"{self.source.book}/worksheets/add", {"name": name})
        except GraphError as exc:
            if exc.status != 409:
                raise
        return next(s for s in self.worksheets() if s["name"] == name)

    def _delete_sheet(self, ident: str) -> None:
        try:
            path = f"{self.source.book}/worksheets/{quote(str(ident), safe='')}"
            self.request("DELETE", path)
        except GraphError as exc:
            if exc.status != 404:  # gone already: another writer removed it, or our retry
                raise

    def _read(self, sheet: dict[str, Any]) -> list[list[Any]]:
        used = self.request(
            "GET", f"{self._sheet(sheet)}/usedRange(valuesOnly=true)?$select=address,values"
        )
        return rows_of(used)

    def _table(self, sheet: dict[str, Any], lay: Layout) -> dict[str, Any] | None:
        """The sheet's Excel table when the ladder is one (its header row ours), else None."""
        tables = self.request("GET", f"{self._sheet(sheet)}/tables?$select=id,name")
        for table in tables.get("value", []):
            path = f"{self.source.book}/tables/{quote(str(table['id']), safe='')}"
            address = self.request("GET", f"{path}/range?$select=address")["address"]
            start = address.rpartition("!")[2].partition(":")[0].lstrip("$")
            if start.upper().startswith("A") and start[1:].lstrip("$") == str(lay.header_row):
                return {**table, "path": path}
        return None

    def _patch(self, sheet, lay: Layout, raw, values: list[list[Any]], created: bool) -> int:
        """Header cells we add and the new rows below the used range, each one PATCH; sent
        again as they are after a lost answer (the slot is ours: nobody wrote there since)."""
        if created:
            header = [""] * lay.width
            for key, column in lay.columns.items():
                header[column] = key
            values = [header, *values]
            first = 1
        else:
            if lay.new_headers:
                left, right = min(lay.new_headers), max(lay.new_headers)
                names = [[lay.new_headers.get(c, "") for c in range(left, right + 1)]]
                cells = (
                    f"{column_letter(left)}{lay.header_row}:{column_letter(right)}{lay.header_row}"
                )
                self._patch_range(sheet, cells, names)
            first = max(len(raw), lay.header_row) + 1
        last = first + len(values) - 1
        self.sent = True
        self._patch_range(sheet, f"A{first}:{column_letter(lay.width - 1)}{last}", values)
        return first + (1 if created else 0)

    def _patch_range(self, sheet, address: str, values: list[list[Any]]) -> None:
        self.request(
            "PATCH", f"{self._sheet(sheet)}/range(address='{address}')", {"values": values}
        )

    def _rows_add(self, sheet, table, lay: Layout, values: list[list[Any]]) -> int:
        """Append to the ladder's Excel table (it grows with its style and formulas); a lost
        answer is read back (our write id) before the rows are sent again."""
        width = len(self.request("GET", f"{table['path']}/columns?$select=name").get("value", []))
        for column, name in sorted(lay.new_headers.items()):
            if column >= width:
                self.request("POST", f"{table['path']}/columns/add", {"name": name})
        before = len(self._read(sheet))

        def attempt() -> Any:
            if self.sent and any(self.write_id in map(str, r) for r in self._read(sheet)):
                return {}
            self.sent = True
            return self.source.request(
                "POST", f"{table['path']}/rows/add", {"values": values}, session=self.session,
                retry=False,
            )  # fmt: skip

        self.source.call(attempt)
        return before + 1

    # -- reports ------------------------------------------------------------------------------

    def uncertain(self, why: str) -> UncertainWrite:
        where = f"{self.source.describe()}, tabblad ladder"
        return uncertain(where, self.write_id, why)

    def error(self, exc: GraphError) -> WriteError:
        """A refused write in one Dutch line."""
        where = self.source.describe()
        if exc.status == 403 and not (
            exc.has("OpenWorkbookAccessDenied") or exc.has("EditModeAccessDenied")
        ):
            return NoWriteAccess(
                f"{where}: app {self.source.client_id} mag de werkmap lezen maar niet bewerken. "
                "Geef de app schrijfrecht (Sites.Selected met 'write' op de site, of "
                "Files.ReadWrite.All) en probeer het opnieuw. Er is niets geschreven."
            )
        # An answer came: the request was refused, so its rows did not land.
        return WriteError(f"{self.source.error(exc)} Er is niets geschreven.")
