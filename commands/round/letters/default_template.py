"""The project's own letter templates, one per policy, written with python-docx as docxtpl
templates: the same kind of file a province makes in its house style, so one renderer serves
both. The .docx files are shipped in commands/round/letters/data/ and regenerated with

    python -m commands.round.letters.default_template

(tests/test_letters.py checks the shipped files are what this module writes).
"""

from __future__ import annotations

import sys
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.shared import Cm, Pt

from commands.round.letters.settings import DATA, POLICIES, template_path


class _Writer:
    """Small helpers so the template below reads like the letter it becomes."""

    def __init__(self) -> None:
        self.doc: DocumentObject = Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(6)
        for section in self.doc.sections:
            section.left_margin = section.right_margin = Cm(2.5)
            section.top_margin = section.bottom_margin = Cm(2)

    def p(
        self,
        text: str = "",
        bold: bool = False,
        size: float | None = None,
        mark: bool = False,
        keep: bool = False,
    ):
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = keep or None
        run = para.add_run(text)
        run.bold = bold or mark
        if size:
            run.font.size = Pt(size)
        if mark:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return para

    def tag(self, text: str) -> None:
        """A paragraph docxtpl removes, keeping only its tag: {%p if … %}."""
        self.doc.add_paragraph(f"{{%p {text} %}}")

    def heading(self, text: str) -> None:
        para = self.p(text, bold=True, size=11)
        para.paragraph_format.space_before = Pt(10)
        para.paragraph_format.keep_with_next = True

    def _table(self, widths: tuple[float, float]):
        """Fixed column widths: Word and LibreOffice read them from the table grid."""
        table = self.doc.add_table(rows=0, cols=2)
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        return table

    def labelled(self, pairs: list[tuple[str, str]]) -> None:
        """'Datum:  {{ datum }}' lines without borders."""
        table = self._table((3.5, 12.5))
        for label, value in pairs:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(3.5), Cm(12.5)
            cells[0].paragraphs[0].add_run(label)
            cells[1].paragraphs[0].add_run(value)

    def figures(self, rows: list[tuple[str, str]], title: str = "") -> None:
        """A bordered two-column table of facts and figures; a row without value is a heading."""
        table = self._table((11.5, 4.5))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if title:
            cell = table.add_row().cells
            merged = cell[0].merge(cell[1])
            merged.paragraphs[0].add_run(title).bold = True
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(11.5), Cm(4.5)
            if label.startswith("{%tr"):  # a row docxtpl replaces by its tag
                cells[0].paragraphs[0].add_run(label)
                continue
            if not value:
                merged = cells[0].merge(cells[1])
                merged.paragraphs[0].add_run(label).bold = True
                continue
            cells[0].paragraphs[0].add_run(label)
            cells[1].paragraphs[0].add_run(value)
        for row in table.rows:  # a table is not split over two pages
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        self.p()

    def lines(self, texts: tuple[str, ...]) -> None:
        """One paragraph of lines that is never split over two pages (the signature)."""
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_together = True
        run = para.add_run()
        for i, text in enumerate(texts):
            if i:
                run.add_break()
            run.add_text(text)

    def grid(
        self,
        headers: tuple[str, ...],
        rows: str,
        cells: tuple[str, ...],
        total: tuple[str, ...],
    ) -> None:
        """A bordered table with a header, one row per item of the list `rows`, and a total."""
        table = self.doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        table.autofit = False
        widths = (5.2,) + (2.7,) * (len(headers) - 1)

        def row(texts: tuple[str, ...] | list[str], bold: bool = False) -> None:
            tr = table.add_row().cells
            for cell, text, width in zip(tr, texts, widths, strict=True):
                cell.width = Cm(width)
                cell.paragraphs[0].add_run(text).bold = bold

        row(headers, bold=True)
        row([f"{{%tr for r in {rows} %}}"] + [""] * (len(headers) - 1))
        row([f"{{{{ {c} }}}}" for c in cells])
        row(["{%tr endfor %}"] + [""] * (len(headers) - 1))
        row(total, bold=True)
        self.p()

    def steps(self, items: str) -> None:
        """Step code and name beside what it means, one row per step of the list `items`."""
        table = self._table((5.0, 11.0))
        table.style = "Table Grid"
        for texts in (
            ("{%tr for t in " + items + " %}", ""),
            ("{{ t.code }}: {{ t.naam }}", "{{ t.betekenis }}"),
            ("{%tr endfor %}", ""),
        ):
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(5.0), Cm(11.0)
            cells[0].paragraphs[0].add_run(texts[0])
            cells[1].paragraphs[0].add_run(texts[1])
        self.p()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build(policy: str) -> DocumentObject:
    w = _Writer()
    utrecht = policy == "utrecht"
    w.p("Gedeputeerde Staten van {{ provincie }}", bold=True, size=14)
    w.p("{{ contact }}", size=8)
    annexes = "1" if utrecht else "{% if eindbeoordeling and not cijfers %}1{% else %}2{% endif %}"
    w.labelled([("Datum", "{{ datum }}"), ("Ons kenmerk", "{{ kenmerk }}"), ("Bijlagen", annexes)])
    w.p()
    w.p("Burgemeester en wethouders van {{ gemeente }}")
    w.p("{{ adres }}")
    w.p()
    w.tag("if eindbeoordeling")
    w.p(
        "Onderwerp: Huisvestingswet: huisvesting vergunninghouders – Beoordeling per {{ peildatum }}",
        bold=True,
    )
    w.tag("else")
    w.p(
        "Onderwerp: Huisvestingswet: huisvesting vergunninghouders – Stand van zaken per {{ peildatum }}",
        bold=True,
    )
    w.tag("endif")
    w.p()
    w.p("Geacht College,")
    _marked_notes(w)
    w.tag("if eindbeoordeling")
    _end(w, utrecht)
    w.tag("else")
    _mid(w, utrecht)
    w.tag("endif")
    _closing(w)
    w.tag("if eindbeoordeling")
    if not utrecht:
        w.tag("if cijfers")
        _end_annex(w)
        w.tag("endif")
    w.tag("else")
    if not utrecht:
        _province_annex(w)
    w.tag("endif")
    _ladder_annex(w)
    return w.doc


def _marked_notes(w: _Writer) -> None:
    """What the staffer checks or fills in before sending, marked yellow, before anything else."""
    for key in ("afwijking", "let_op", "kader_onbevestigd"):
        w.tag(f"if {key}")
        w.p("Let op (vóór verzending controleren): {{ " + key + " }}", mark=True)
        w.tag("endif")
    w.tag("if ontbreekt")
    w.p("Cijfers ontbreken (vóór verzending aanvullen): {{ ontbreekt }}", mark=True)
    w.tag("endif")


def _closing(w: _Writer) -> None:
    """'Tot slot', the signature and the footnote: kept together on one page."""
    w.heading("Tot slot")
    # The closing paragraph and the signature are one paragraph that is never split: the
    # signature cannot end up alone on a page (LibreOffice does not always honour
    # keep-with-next between paragraphs).
    w.lines(
        (
            "{{ tot_slot }}",
            "",
            "Na de volgende peildatum, {{ volgende_peildatum }}, ontvangt u opnieuw een brief "
            "over de stand van zaken.",
            "",
            "Gedeputeerde Staten van {{ provincie }},",
            "voor dezen,",
            "",
            "{{ ondertekenaar }}",
            "{{ functie }}",
        )
    )
    w.tag("if digitaal")
    w.p("Deze brief is digitaal vastgesteld en daarom niet ondertekend.", size=8)
    w.tag("endif")
    w.p()
    w.p("¹ {{ kader_noot }}", size=8)


def _decision(w: _Writer) -> None:
    """The step in one sentence and what follows a missed opgave, or the marked paragraph
    when a person still has to decide it."""
    w.tag("if trede_vast")
    w.p("{{ trede_zin }}")
    w.tag("if trede_waarschuwing")
    w.p("{{ trede_waarschuwing }}")
    w.tag("endif")
    w.tag("else")
    w.p("Nog te beslissen: {{ nog_te_beslissen }}", mark=True)
    w.tag("endif")


def _open_step_only(w: _Writer) -> None:
    """Without figures for the date: no conclusion at all; only an open step is marked."""
    w.tag("if not trede_vast")
    w.p("Nog te beslissen: {{ nog_te_beslissen }}", mark=True)
    w.tag("endif")


def _answer(w: _Writer, key: str) -> None:
    w.tag(f"if {key}")
    w.p("{{ " + key + " }}")
    w.tag("else")
    w.p("Aan te vullen vóór verzending: zie ‘Cijfers ontbreken’ bovenaan.", mark=True)
    w.tag("endif")


def _coulance(w: _Writer, limit: str) -> None:
    w.tag("if coulance")
    w.p(
        "Voor deze periode geldt een coulanceregeling¹. {{ coulance_regel }} Voor uw gemeente "
        f"{limit} ten minste {{{{ coulance_grens }}}} vergunninghouders (een deel van een persoon "
        "telt als een hele persoon)."
    )
    w.tag("endif")


def _extra_table(w: _Writer) -> None:
    """Tabel 1 of the province's letters from 2022-II, where an extra opgave was agreed."""
    w.tag("if extra")
    w.figures(
        [
            (
                "Opgave {{ periode }} (taakstelling met achterstand of voorsprong)",
                "{{ opgave }}",
            ),
            ("Extra opgave {{ periode }}", "{{ extra_opgave }}"),
            ("Opgave inclusief extra opgave", "{{ opgave_incl_extra }}"),
            ("Gehuisvest vóór {{ peildatum }}", "{{ gehuisvest }}"),
            ("Nog te huisvesten op basis van de opgave inclusief extra", "{{ nog_incl_extra }}"),
        ],
        "Tabel 1: Additionele opgave",
    )
    w.tag("endif")


def _end(w: _Writer, utrecht: bool) -> None:
    w.p(
        "Hierbij ontvangt u onze bevindingen en conclusies over de wettelijke taakstelling "
        "huisvesting vergunninghouders van uw gemeente in de periode {{ periode_van }} tot "
        "{{ periode_tot }} ({{ periode }}), en uw opgave voor de periode {{ volgende_van }} tot "
        "{{ volgende_tot }}. Wij beoordelen de taakstelling volgens het {{ kader }}¹."
    )
    w.tag("if cijfers")
    w.heading("Bevindingen")
    w.p("{{ opgave_zin }}")
    _coulance(w, "is dat")
    if utrecht:
        w.figures(
            [
                ("Taakstelling {{ periode }}", "{{ taakstelling }}"),
                ("{{ saldo_soort|capitalize }} per {{ periode_van }}", "{{ saldo_start }}"),
                ("Te huisvesten vóór {{ periode_tot }}", "{{ opgave }}"),
                ("Gehuisvest vóór {{ periode_tot }}", "{{ gehuisvest }}"),
                ("Percentage van de opgave", "{{ pct_opgave }}"),
                (
                    "Conclusie opgave: {{ saldo_eind_soort }} per {{ periode_tot }}",
                    "{{ saldo_eind }}",
                ),
            ],
            "Realisatie {{ periode }}",
        )
    else:
        w.p(
            "Wij hebben de situatie van uw gemeente beoordeeld aan de hand van de vier vragen "
            "uit dat kader."
        )
        w.p("1. Heeft uw gemeente de opgave vóór {{ periode_tot }} gerealiseerd?", bold=True)
        w.p("{{ vraag1 }}")
        w.p(
            "2. Had uw gemeente op {{ middatum }} voldoende koppelingen om de opgave te "
            "realiseren?",
            bold=True,
        )
        _answer(w, "vraag2")
        w.p("3. Heeft het COA in de periode omkoppelingen gedaan?", bold=True)
        _answer(w, "vraag3")
        w.p(
            "4. Was uw gemeente in de periode een stapelgemeente (ten minste drie maanden, "
            "waaronder de laatste maand)?",
            bold=True,
        )
        _answer(w, "vraag4")
    _extra_table(w)
    w.heading("Conclusie")
    w.tag("if gerealiseerd")
    w.p(
        "Uw gemeente heeft haar opgave over {{ periode }} gerealiseerd. Wij complimenteren u "
        "daarmee."
    )
    w.tag("else")
    w.p(
        "Uw gemeente heeft haar opgave over {{ periode }} niet gerealiseerd: per {{ periode_tot }} "
        "heeft zij een {{ saldo_eind_soort }} van {{ saldo_eind }}."
    )
    w.tag("endif")
    w.tag("if coulance_gehaald")
    w.p(
        "Wel heeft uw gemeente de coulancegrens van {{ coulance_grens }} gehaald; daarom stijgt "
        "zij niet op de interventieladder."
    )
    w.tag("endif")
    w.tag("if verschoonbaar")
    w.p("{{ verschoonbaar }}")
    w.tag("endif")
    if utrecht:
        w.tag("if kleine_achterstand")
        w.p(
            "Uw gemeente heeft een kleine achterstand van {{ saldo_eind }}. Daarom stijgt uw "
            "gemeente niet verder op de interventieladder; met deze ambtelijke brief vragen wij "
            "u die achterstand in de komende periode in te lopen."
        )
        w.tag("endif")
    _decision(w)
    w.tag("else")
    _open_step_only(w)
    w.tag("endif")
    w.heading(
        "Informatie over uw opgave voor de periode {{ volgende_van }} tot {{ volgende_tot }}"
    )
    w.figures(
        [
            ("Taakstelling {{ volgende_periode }}", "{{ volgende_taakstelling }}"),
            ("{{ volgende_saldo_soort }} per {{ volgende_van }}", "{{ volgende_saldo }}"),
            ("Trede op de interventieladder per {{ peildatum }}", "{{ trede_naam }}"),
            ("Te huisvesten vergunninghouders vóór {{ volgende_tot }}", "{{ volgende_opgave }}"),
            ("Minimaal te huisvesten vóór {{ volgende_middatum }}", "{{ volgende_minimum }}"),
            ("{%tr if volgende_extra %}", ""),
            ("Extra opgave {{ volgende_periode }}", "{{ volgende_extra_opgave }}"),
            (
                "Te huisvesten vóór {{ volgende_tot }} inclusief extra opgave",
                "{{ volgende_opgave_incl_extra }}",
            ),
            ("{%tr endif %}", ""),
        ]
    )


def _end_annex(w: _Writer) -> None:
    w.page_break()
    w.p("Bijlage: bevindingen en conclusies voor uw gemeente", bold=True, size=11)
    w.p("Gemeente {{ gemeente }}, periode {{ periode_van }} tot {{ periode_tot }}")
    w.figures(
        [
            ("Taakstelling {{ periode }}", "{{ taakstelling }}"),
            ("{{ saldo_soort|capitalize }} per {{ periode_van }}", "{{ saldo_start }}"),
            ("Te huisvesten vergunninghouders vóór {{ periode_tot }}", "{{ opgave }}"),
            ("Gehuisveste vergunninghouders vóór {{ periode_tot }}", "{{ gehuisvest }}"),
            ("– op basis van cijfers van het COA", "{{ gehuisvest_coa }}"),
            ("– op basis van toegestuurde huurcontracten", "{{ huurcontracten }}"),
            ("{%tr if coulance %}", ""),
            (
                "Is het aantal gehuisveste vergunninghouders gelijk aan of hoger dan de "
                "coulancegrens ({{ coulance_grens }})?",
                "{{ coulance_antwoord }}",
            ),
            ("{%tr endif %}", ""),
            ("Conclusie opgave: {{ saldo_eind_soort }} per {{ periode_tot }}", "{{ saldo_eind }}"),
            (
                "Door de regievoerder gekoppelde vergunninghouders op {{ middatum }}",
                "{{ koppelingen_mid }}",
            ),
            (
                "Nog te huisvesten vergunninghouders op {{ middatum }}",
                "{{ nog_te_huisvesten_mid }}",
            ),
            ("Conclusie koppelingen", "{{ koppelingen_conclusie }}"),
            ("Omkoppelingen in de periode", "{{ omkoppelingen }}"),
            ("Aangemerkt als stapelgemeente", "{{ stapelgemeente }}"),
            ("Trede op de interventieladder per {{ vorige_peildatum }}", "{{ trede_voor_naam }}"),
            ("Trede op de interventieladder per {{ peildatum }}", "{{ trede_naam }}"),
        ]
    )
    w.tag("if huurcontracten_noot")
    w.p("{{ huurcontracten_noot }}", size=8)
    w.tag("endif")


def _mid(w: _Writer, utrecht: bool) -> None:
    w.p(
        "Hierbij informeren wij u over de huisvesting van vergunninghouders in uw gemeente per "
        "{{ peildatum }}, halverwege de periode {{ periode_van }} tot {{ periode_tot }}. Een "
        "gemeente loopt op schema wanneer zij op {{ peildatum }} ten minste de helft van de "
        "opgave voor het lopende halfjaar heeft gehuisvest¹."
    )
    w.tag("if cijfers")
    _coulance(w, "ligt de grens op")
    rows = [
        ("Taakstelling {{ periode }}", "{{ taakstelling }}"),
        ("{{ saldo_soort|capitalize }} per {{ periode_van }}", "{{ saldo_start }}"),
        ("Trede op de interventieladder per {{ vorige_peildatum }}", "{{ trede_voor_naam }}"),
        ("Te huisvesten vergunninghouders vóór {{ periode_tot }}", "{{ opgave }}"),
        ("Beoordeling", ""),
        ("Minimaal te huisvesten vóór {{ peildatum }}", "{{ minimum }}"),
        ("Feitelijk gehuisvest vóór {{ peildatum }}", "{{ gehuisvest }}"),
        ("Op schema", "{{ op_schema }}"),
        ("Percentage van het minimaal te huisvesten aantal", "{{ pct_minimum }}"),
        ("Conclusie", "{{ conclusie }}"),
        ("Trede op de interventieladder per {{ peildatum }}", "{{ trede_naam }}"),
        ("Nog te huisvesten vóór {{ periode_tot }}", "{{ nog_te_huisvesten }}"),
    ]
    if utrecht:
        rows.insert(
            -1,
            ("Prognose voor {{ periode_tot }} (lineair)", "{{ prognose }} ({{ prognose_pct }})"),
        )
    w.figures(rows, "Stand van zaken per {{ peildatum }}")
    _extra_table(w)
    w.tag("if koppelingen_zin")
    w.p("{{ koppelingen_zin }}")
    w.tag("endif")
    w.heading("Conclusie")
    _decision(w)
    w.tag("if tussentijds_blijft")
    w.p("{{ tussentijds_blijft }}")
    w.tag("endif")
    w.tag("else")
    _open_step_only(w)
    w.tag("endif")


def _province_annex(w: _Writer) -> None:
    w.page_break()
    w.p(
        "Bijlage: voortgang in de provincie {{ provincie }} per {{ peildatum }}",
        bold=True,
        size=11,
    )
    w.p(
        "Sommen over de gemeenten met cijfers per {{ peildatum }}: {{ prov_met_cijfers }} van "
        "de {{ prov_gemeenten }}. Geen cijfers per {{ peildatum }}: {{ prov_zonder }}.",
        size=8,
    )
    w.figures(
        [
            ("{%tr if prov_opbouw %}", ""),
            ("Provincie: taakstelling {{ periode }}", "{{ prov_taakstelling }}"),
            (
                "Provincie: {{ prov_saldo_soort }} per {{ periode_van }}",
                "{{ prov_saldo }}",
            ),
            ("{%tr endif %}", ""),
            ("Provincie: opgave vóór {{ periode_tot }}", "{{ prov_opgave }}"),
            (
                "Provincie: minimaal te huisvesten vóór {{ peildatum }} (de helft)",
                "{{ prov_minimum }}",
            ),
            (
                "Provincie: gehuisvest vóór {{ peildatum }}",
                "{{ prov_gehuisvest }} ({{ prov_pct_opgave }} van de opgave)",
            ),
            (
                "Provincie: gekoppelde vergunninghouders op {{ peildatum }}",
                "{{ prov_koppelingen }}",
            ),
            (
                "Provincie: nog te huisvesten vóór {{ periode_tot }}",
                "{{ prov_nog_te_huisvesten }}",
            ),
            ("Provincie: zijn er genoeg koppelingen?", "{{ prov_koppelingen_conclusie }}"),
            ("Provincie: prognose voor {{ periode_tot }} (som, lineair)", "{{ prov_prognose }}"),
        ]
    )
    w.p("Gemeenten met minder koppelingen dan nog te huisvesten: {{ prov_tekort }}.")
    w.grid(
        ("Gemeente", "Opgave", "Gehuisvest", "Koppelingen", "Nog te huisvesten"),
        "prov_rijen",
        ("r.gemeente", "r.opgave", "r.gehuisvest", "r.koppelingen", "r.nog"),
        (
            "Samen",
            "{{ prov_opgave }}",
            "{{ prov_gehuisvest }}",
            "{{ prov_koppelingen }}",
            "{{ prov_nog_te_huisvesten }}",
        ),
    )


def _ladder_annex(w: _Writer) -> None:
    """The steps of the ladder as the policy names and describes them (engine wording)."""
    w.page_break()
    w.p("Bijlage: de treden van de interventieladder ({{ kader }})", bold=True, size=11)
    w.steps("ladder_treden")


def write(policy: str, path: Path) -> Path:
    doc = build(policy)
    # Fixed core properties, so the shipped file does not change when nothing else does.
    props = doc.core_properties
    props.author = props.last_modified_by = "Taakbot"
    props.title = "Brief huisvesting vergunninghouders"
    props.revision = 1
    props.created = props.modified = datetime(2026, 1, 1)
    buf = BytesIO()
    doc.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def main() -> None:
    DATA.mkdir(exist_ok=True)
    for policy in POLICIES:
        print("geschreven:", write(policy, template_path(policy)), file=sys.stdout)


if __name__ == "__main__":
    main()
