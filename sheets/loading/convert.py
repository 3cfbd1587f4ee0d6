"""Raw workbook tabs → engine.state.DataSet; every bad cell or row becomes a Problem with its cell.

Good rows survive a bad neighbour: one typo must not blank the bot for a whole province. A 'fout'
means the row does not count; a 'waarschuwing' means it counts but deserves a look.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from engine.model import (
    Deadline,
    LadderDecision,
    Municipality,
    MunicipalityRecord,
    PeriodFigures,
    Snapshot,
)
from engine.periods import Period
from engine.policies import POLICIES, PeriodRule, UnknownPolicy, get_policy
from engine.state import DataSet, PolicyRow, Problem, User, policy_in_force
from sheets.loading.attribution import attribute
from sheets.loading.damage import Structure
from sheets.names.index import DERIVED, NameIndex
from sheets.overviews.combine import find_overviews, layout_readings, read_overviews
from sheets.overviews.facts import Note
from sheets.overviews.overview import ColumnReading
from sheets.tabs.bulk import build
from sheets.tabs.layout import TABS, VOID, is_sample, normalise, read_table
from sheets.tabs.rows import Row, nl_date, parse_rows, problem_order
from sheets.tabs.values import CellError, email_address, kanaal, text

ROLES = ("provincie", "coordinator", "gemeente")
SUGGEST_SCORE = 60.0  # a 'bedoelt u …?' in a data check may be looser than accepting a name
# The `beleid` columns named after a PeriodRule threshold override it (engine.policies.base).
OVERRIDES = tuple(
    f.name
    for f in fields(PeriodRule)
    if any(c.key == f.name for t in TABS if t.name == "beleid" for c in t.columns)
)
GEMEENTE = ("gemeente",)  # the kinds of name a fact tab's gemeente column may hold


@dataclass(slots=True)
class SheetData(DataSet):
    """A DataSet with what the sheet itself shows: how each header was read, staff-only notes,
    and the shape of the read (for sheets.loading.damage)."""

    readings: list[ColumnReading] = field(default_factory=list)
    notes: dict[str, list[Note]] = field(default_factory=dict)
    structure: Structure | None = None


class _Loader:
    """Builds one DataSet; holds the problems and the name index while it goes."""

    def __init__(self, raw: dict[str, list[list[Any]]], pause: Callable[[], None]) -> None:
        self.pause = pause  # a reply being computed goes first (the bot's sheets.runtime.courtesy)
        self.problems: list[Problem] = []
        self.tables = {tab.name: read_table(tab, raw, self.problems, pause) for tab in TABS}
        self.rows = {n: parse_rows(t, self.problems, pause) for n, t in self.tables.items()}
        self.records: dict[str, MunicipalityRecord] = {}
        self.index = NameIndex([])
        self.snap_refs: dict[int, str] = {}
        self.found: dict[tuple[str, ...], dict[Any, str]] = {}  # kinds → typed name → name
        self.periods: dict[Any, Period] = {}  # peildatum → its period (Period.of_peildatum)
        self.origin = (
            "tabblad gemeenten"  # where the municipalities come from (sheets.overviews.combine)
        )
        self.policies: list[PolicyRow] = []
        self.cutoffs: dict[tuple[str, Period], date] = {}  # (provincie, period) → its cutoff

    def problem(self, severity: str, row: Row, key: str, message: str) -> None:
        self.problems.append(Problem(severity, row.ref(key), message))

    def unique(self, seen: dict[Any, Row], key: Any, row: Row, what: str, same: Callable) -> bool:
        """First row with `key` wins: a repeat is a 'fout', or a 'waarschuwing' when identical."""
        first = seen.setdefault(key, row)
        if first is row:
            return True
        self.repeated(first, row, what, same)
        return False

    def repeated(self, first: Row, row: Row, what: str, same: Callable) -> None:
        """`row` repeats `first` (see `unique`)."""
        anchor = row.table.tab.columns[0].key
        if same(first) == same(row):
            self.problem(
                "waarschuwing",
                row,
                anchor,
                f"{what} staat dubbel (gelijk aan {first.ref(anchor)}); telt één keer",
            )
        else:
            self.problem(
                "fout", row, anchor, f"{what} staat al in {first.ref(anchor)} met andere gegevens"
            )

    def gemeente(self, row: Row, found: dict[Any, str]) -> str | None:
        """`name(row, 'gemeente', …)`, with its cache of typed names handed in: the row loops
        below run it 50,000 times at country size."""
        name = found.get(row.values[0])  # gemeente: the first column of each fact tab
        return name if name is not None else self.name(row, "gemeente", GEMEENTE, "gemeente")

    def name(self, row: Row, key: str, kinds: tuple[str, ...], what: str) -> str | None:
        """The canonical name in `row[key]`, or a 'fout' suggesting the closest known one."""
        typed = row[key]
        found = self.found.get(kinds)
        if found is None:
            found = self.found[kinds] = {}
        elif (name := found.get(typed)) is not None:
            return name
        hit = self.index.lookup(typed, kinds)
        if hit is not None:
            found[typed] = hit[1]
            return hit[1]
        message = f'onbekende {what} "{row[key]}" (niet in {self.origin})'
        if suggestion := self.index.suggest(row[key], kinds, cutoff=SUGGEST_SCORE):
            message += f"; bedoelt u {suggestion[0]}?"
        self.problem("fout", row, key, message)
        return None

    # --- tabs ----------------------------------------------------------------------------------

    def gemeenten(self) -> None:
        spelling: dict[str, str] = {}  # one spelling per regio / provincie: the first one seen
        seen: dict[Any, Row] = {}
        owners: dict[str, str] = {}
        for i, row in enumerate(self.rows["gemeenten"]):
            if not i & 255:
                self.pause()
            name = row["gemeente"]
            municipality = Municipality(
                name,
                spelling.setdefault(normalise(row["provincie"]), row["provincie"]),
                spelling.setdefault(normalise(row["regio"]), row["regio"]) if row["regio"] else "",
                row["aliassen"] or (),
                row["adres"] or "",
            )
            if not self.unique(seen, normalise(name), row, f"gemeente {name}", _gemeente_of):
                continue
            for alias in (name, *municipality.aliases):
                owner = owners.setdefault(normalise(alias), name)
                if owner != name:
                    self.problem(
                        "waarschuwing",
                        row,
                        "aliassen",
                        f'"{alias}" hoort ook bij {owner}; het telt voor {owner}',
                    )
            self.records[name] = MunicipalityRecord(municipality)
        self.index = NameIndex(r.municipality for r in self.records.values())

    def taakstelling(self) -> None:
        seen: dict[Any, Row] = {}
        found = self.found.setdefault(GEMEENTE, {})
        kept: list[tuple[Any, ...]] = []  # name, period, source, saldo cell, values of each
        for i, row in enumerate(self.rows["taakstelling"]):
            if not i & 255:
                self.pause()
            name = self.gemeente(row, found)
            if name is None:
                continue
            period = row["periode"]
            if (first := seen.setdefault((name, period), row)) is not row:
                self.repeated(first, row, f"{name} {period}", _figures_of)
                continue
            if row["taakstelling"] is not None:
                main = "taakstelling"
            elif row["opgave"] is not None:
                main = "opgave"
            else:
                main = "periode"
                self.problem("waarschuwing", row, "periode", "geen taakstelling en geen opgave")
            saldo_ref = row.ref("saldo_start") if "saldo_start" in row.table.columns else ""
            kept.append((name, period, row.source(main), saldo_ref, row.values))
        if not kept:
            return
        (periode, taakstelling, saldo_start, saldo_bron, extra, omkoppelingen, stapel, reden,
         opgave) = zip(*(_figure_values(k[4]) for k in kept), strict=True)  # fmt: skip
        figures = build(  # _figures_of(row, name, source, saldo_ref) for each kept row, in C
            PeriodFigures,
            len(kept),
            gemeente=[k[0] for k in kept],
            period=periode,
            taakstelling=taakstelling,
            saldo_start=saldo_start,
            saldo_source=[v or "" for v in saldo_bron],
            extra_opgave=[v or 0 for v in extra],
            omkoppelingen=omkoppelingen,
            stapelgemeente=stapel,
            verschoonbare_reden=[v or "" for v in reden],
            opgave_stated=opgave,
            source=[k[2] for k in kept],
            saldo_ref=[k[3] for k in kept],
        )
        for (name, period, *_), figure in zip(kept, figures, strict=True):
            self.records[name].figures[period] = figure

    def realisatie(self) -> None:
        seen: dict[Any, Row] = {}
        periods = self.periods
        refs = self.snap_refs
        at = _positions("realisatie")
        peildatum, periode, gehuisvest = at["peildatum"], at["periode"], at["gehuisvest"]
        contracts, koppelingen, pijplijn, source = (
            at["huurcontracten"], at["koppelingen"], at["pijplijn"], at["bron"]
        )  # fmt: skip
        found = self.found.setdefault(GEMEENTE, {})
        records = self.records
        rows = self.rows["realisatie"]
        prefix = rows[0].table.column_ref("gehuisvest") if rows else ""
        # each kept row's fields, a list per field (less memory than a tuple per row)
        names, days, periods_, housed, contracts_, koppelingen_, pipeline, sources = (
            [] for _ in range(8)
        )
        bronned = []  # (snapshot number, its cell) of the rows with a bron
        for i, row in enumerate(rows):
            if not i & 255:
                self.pause()  # a reply being computed goes first (sheets.runtime.courtesy)
            values = row.values
            name = found.get(values[0])  # self.gemeente(row, found), inline: 41,000 rows
            if name is None and (name := self.gemeente(row, found)) is None:
                continue
            day, period = values[peildatum], values[periode]
            if period is None:
                if (period := periods.get(day)) is None:
                    period = periods[day] = Period.of_peildatum(day)
            elif not period.covers_peildatum(day) and not (
                period.first_day_after < day <= self.cutoff(name, period)
            ):  # contracts submitted after the period end count until the cutoff (§8)
                self.outside(row, day, period, name)
                continue
            # (year, half), not the Period: a tuple of ints hashes in C, a dataclass in Python
            if (first := seen.setdefault((name, day, period.year, period.half), row)) is not row:
                self.repeated(first, row, f"{name} per {nl_date(day)}", _snapshot_of)
                continue
            ref = f"{prefix}{row.number}"  # row.ref("gehuisvest")
            if bron := values[source]:  # without one the source is the cell (see _falling)
                bronned.append((len(names), ref))
            names.append(name)
            days.append(day)
            periods_.append(period)
            housed.append(values[gehuisvest])
            contracts_.append(values[contracts] or 0)
            koppelingen_.append(values[koppelingen])
            pipeline.append(values[pijplijn] or 0)
            sources.append(f"{ref} — {bron}" if bron else ref)  # Row.source
        snaps = build(  # Snapshot(...) for each kept row, made in C (sheets.tabs.bulk)
            Snapshot, len(names), gemeente=names, peildatum=days, period=periods_,
            housed=housed, contracts=contracts_, koppelingen=koppelingen_, pipeline=pipeline,
            source=sources,
        )  # fmt: skip
        for n, ref in bronned:
            refs[id(snaps[n])] = ref
        for name, snap in zip(names, snaps, strict=True):
            records[name].snapshots.append(snap)
        by_day = attrgetter("peildatum")
        for record in records.values():
            record.snapshots.sort(key=by_day)

    def cutoff(self, name: str, period: Period) -> date:
        """The policy's last day for rental contracts of `period` (the beleid tab's, or its own)."""
        provincie = self.records[name].municipality.provincie
        if (day := self.cutoffs.get((provincie, period))) is None:
            policy, rule = policy_in_force(self.policies, provincie, period)
            day = self.cutoffs[provincie, period] = policy.contract_cutoff(period, rule)
        return day

    def outside(self, row: Row, day: date, period: Period, name: str) -> None:
        """A 'fout' for a peildatum outside its period and after the cutoff for contracts."""
        message = (
            f"peildatum {nl_date(day)} valt niet in periode {period} "
            f"({nl_date(period.start)} tot {nl_date(period.first_day_after)})"
        )
        if day > period.first_day_after:
            message += f"; huurcontracten tellen tot {nl_date(self.cutoff(name, period))}"
        self.problem("fout", row, "peildatum", message)

    def falling(self) -> None:
        for i, record in enumerate(self.records.values()):
            if not i & 31:
                self.pause()
            self._falling(record, self.snap_refs)

    def _falling(self, record: MunicipalityRecord, refs: dict[int, str]) -> None:
        """Gehuisvest adds up within a period; a fall is a correction or a typo."""
        last: dict[tuple[int, int], Snapshot] = {}  # by (year, half): hashed in C, not Period's
        for snap in record.snapshots:
            period = snap.period
            key = (period.year, period.half)
            before = last.get(key)
            if before is not None and snap.housed < before.housed:
                self.problems.append(
                    Problem(
                        "waarschuwing",
                        refs.get(id(snap), snap.source),
                        f"gehuisvest daalt binnen {snap.period}: {before.housed} per "
                        f"{nl_date(before.peildatum)} ({refs.get(id(before), before.source)}) en "
                        f"{snap.housed} per "
                        f"{nl_date(snap.peildatum)}; het is een optelling binnen de periode",
                    )
                )
            last[key] = snap

    def ladder(self) -> None:
        for i, row in enumerate(self.rows["ladder"]):
            if not i & 255:
                self.pause()
            if str(row["schrijf_id"] or "").startswith(VOID):
                continue  # a second copy a lockless writer marked (sheets.sources.ladder)
            name = self.name(row, "gemeente", ("gemeente",), "gemeente")
            if name is not None:
                self.records[name].decisions.append(
                    LadderDecision(
                        name,
                        row["datum"],
                        row["trede"],
                        row["toelichting"] or "",
                        row.source("trede"),
                    )
                )
        for record in self.records.values():
            record.decisions.sort(key=lambda d: d.date)

    def beleid(self) -> list[PolicyRow]:
        out: list[PolicyRow] = []
        for row in self.rows["beleid"]:
            provincie = self.name(row, "provincie", ("provincie",), "provincie")
            try:
                kader = get_policy(row["kader"]).code
            except UnknownPolicy:
                known = ", ".join(sorted(POLICIES))
                self.problem(
                    "fout", row, "kader", f'onbekend kader "{row["kader"]}"; bekend zijn: {known}'
                )
                continue
            if provincie is not None:
                overrides = {k: row[k] for k in OVERRIDES if row[k] is not None}
                out.append(PolicyRow(provincie, row["periode"], kader, overrides))
        return out

    def deadlines(self) -> list[Deadline]:
        out: list[Deadline] = []
        for row in self.rows["deadlines"]:
            scope = self._scope(row, "voor")
            if scope is not None:
                out.append(
                    Deadline(row["datum"], row["soort"] or "", row["omschrijving"] or "", scope)
                )
        return out

    def gebruikers(self) -> list[User]:
        out: list[User] = []
        seen: dict[Any, Row] = {}
        for row in self.rows["gebruikers"]:
            before = len(self.problems)
            self._gebruiker(row, seen, out)
            if len(self.problems) > before:  # an address is personal data: scoped like figures
                self.problems[before:] = self._scoped(self.problems[before:], row)
        return out

    def _scoped(self, problems: list[Problem], row: Row) -> list[Problem]:
        """A user row's problems belong to a municipality of the user's scope, so /controle
        shows them (and the address they quote) only to who covers that scope."""
        hit = self.index.lookup(text(row["scope"]) or "", ("gemeente", "regio", "provincie"))
        if hit is None:  # nobody's scope: everyone sees the problem, nobody the address
            address = text(row["email"])
            return [
                replace(p, message=p.message.replace(address, "(adres weggelaten)"))
                if address
                else p
                for p in problems
            ]
        kind, name = hit
        area = (
            r.name
            for r in sorted(self.records.values(), key=attrgetter("name"))
            if name in (r.municipality.regio, r.municipality.provincie)
        )
        member = name if kind == "gemeente" else next(area, "")
        return [replace(p, gemeente=member) for p in problems]

    def _gebruiker(self, row: Row, seen: dict[Any, Row], out: list[User]) -> None:
        rol = normalise(row["rol"])
        if rol not in ROLES:
            self.problem(
                "fout",
                row,
                "rol",
                f'onbekende rol "{row["rol"]}"; bekend zijn: {", ".join(ROLES)}',
            )
            return
        scope = self._user_scope(row, rol)
        email, kanaal = self._reach(row)
        user = User(row["telegram_id"], row["naam"] or "", rol, scope or "", email, kanaal)
        if user.telegram_id is None and not email:
            self.problem(
                "fout",
                row,
                "telegram_id",
                "geen Telegram-id en geen (geldig) e-mailadres: deze gebruiker is "
                "onbereikbaar en krijgt niets",
            )
            return
        ident = (
            (user.telegram_id, f"Telegram-id {user.telegram_id}")
            if user.telegram_id is not None
            else (("email", email.casefold()), f"e-mailadres {email}")
        )
        if scope is not None and self.unique(seen, ident[0], row, ident[1], _user_of):
            out.append(user)

    def _reach(self, row: Row) -> tuple[str, str]:
        """The row's checked e-mail address and kanaal; a bad one is named with its cell and
        left out (the user keeps Telegram), never a reason to drop the whole row."""
        email, channel = "", ""
        try:
            email = email_address(row["email"]) or ""
        except CellError as exc:
            self.problem("fout", row, "email", f"{exc}; dit adres krijgt niets")
        try:
            channel = kanaal(row["kanaal"])
        except CellError as exc:
            self.problem("fout", row, "kanaal", f"{exc}; de standaard geldt")
        if channel in ("email", "beide") and not email and row["email"] is None:
            self.problem(
                "waarschuwing",
                row,
                "kanaal",
                f"kanaal {channel} zonder e-mailadres; berichten gaan via Telegram",
            )
        return email, channel

    def _user_scope(self, row: Row, rol: str) -> str | None:
        """A user's scope is the kind of area the role names; empty is an error, not 'all'."""
        kind = {"provincie": "provincie", "coordinator": "regio", "gemeente": "gemeente"}[rol]
        if row["scope"] in (None, "", "*"):
            self.problem(
                "fout",
                row,
                "scope",
                f"scope ontbreekt: een {rol} heeft een {kind} nodig (alle provincies kan "
                "alleen TAAKBOT_ADMINS); deze gebruiker krijgt geen toegang",
            )
            return None
        return self.name(row, "scope", (kind,), kind)

    def _scope(self, row: Row, key: str) -> str | None:
        """'*' (or empty) for everything, else a known gemeente, regio or provincie."""
        if row[key] in (None, "*"):
            return "*"
        return self.name(
            row, key, ("gemeente", "regio", "provincie"), "gemeente, regio of provincie"
        )


@functools.cache
def _positions(tab: str) -> dict[str, int]:
    """Column key → its place in a parsed Row of the layout tab `tab`."""
    columns = next(t for t in TABS if t.name == tab).columns
    return {column.key: i for i, column in enumerate(columns)}


def _gemeente_of(row: Row) -> tuple:
    return tuple(row[k] for k in ("provincie", "regio", "aliassen"))


def _figures_of(
    row: Row, gemeente: str = "", source: str = "", saldo_ref: str = ""
) -> PeriodFigures:
    """The row's figures; without the name and cell (the default) two spellings compare equal."""
    (periode, taakstelling, saldo_start, saldo_bron, extra, omkoppelingen, stapel, reden,
     opgave) = _figure_values(row.values)  # fmt: skip
    return PeriodFigures(
        gemeente,
        periode,
        taakstelling,
        saldo_start,
        saldo_bron or "",
        extra or 0,
        omkoppelingen,
        stapel,
        reden or "",
        opgave,
        source,
        saldo_ref,
    )


_figure_values = itemgetter(
    *(_positions("taakstelling")[key] for key in (
        "periode", "taakstelling", "saldo_start", "saldo_bron", "extra_opgave", "omkoppelingen",
        "stapelgemeente", "verschoonbare_reden", "opgave"))
)  # fmt: skip


def _snapshot_of(row: Row) -> Snapshot:
    """The row's figures, without the name and cell (so two spellings compare equal)."""
    return Snapshot(
        gemeente="",
        peildatum=row["peildatum"],
        period=row["periode"] or Period.of_peildatum(row["peildatum"]),
        housed=row["gehuisvest"],
        contracts=row["huurcontracten"] or 0,
        koppelingen=row["koppelingen"],
        pipeline=row["pijplijn"] or 0,
    )


def _user_of(row: Row) -> tuple:
    return tuple(row[k] for k in ("naam", "rol", "scope", "email", "kanaal"))


def load(
    raw: dict[str, list[list[Any]]],
    source: str,
    provincie: str | None = None,
    pause: Callable[[], None] = lambda: None,
) -> SheetData:
    """The entry point: raw tabs (header row first) of one workbook → a checked DataSet.

    `provincie` (TAAKBOT_PROVINCIE) is the province of municipalities that only an overview tab
    names; without it the `beleid` tab must name exactly one.
    """
    loader = _Loader(raw, pause)
    loader.gemeenten()
    overviews = find_overviews(loader, raw, provincie)  # their municipalities are known too
    loader.taakstelling()
    loader.policies = loader.beleid()  # before realisatie: the cutoff for late contracts
    loader.realisatie()
    loader.ladder()  # also the rows a recorded round added for an overview's municipalities
    tabs, readings, notes = read_overviews(loader, overviews)
    loader.falling()
    data = SheetData(
        records=loader.records,
        policies=loader.policies,
        deadlines=loader.deadlines(),
        users=loader.gebruikers(),
        problems=sorted(
            attribute(loader.problems, raw, loader.tables, tabs, loader.index), key=problem_order
        ),
        source=source,
        sample=is_sample(raw),
        readings=layout_readings(loader.tables, raw) + readings,
        notes=notes,
        structure=Structure.of(
            loader.tables, tabs, raw, {k: len(v) for k, v in loader.rows.items()}
        ),
    )
    # the index the read resolved names with, kept: prepare() and replies use the same one
    data.derived[DERIVED] = NameIndex.current(
        loader.index, (r.municipality for r in loader.records.values())
    )
    return data
