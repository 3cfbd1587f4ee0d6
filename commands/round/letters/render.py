"""A docxtpl template read, checked and compiled once, then filled per letter.

docxtpl's own `render()` re-reads the Word file, re-compiles the Jinja template and re-serialises
the document for every letter. A round writes hundreds of letters from one template, so the
parts that hold tags (document, headers, footers) are cleaned by docxtpl's `patch_xml` and
compiled once; each letter renders those strings and copies every other part of the file as is.
Supported: docxtpl's text tags `{{ … }}`, `{%p … %}`, `{%tr … %}`, `{%tc … %}`, `{%r … %}` and
Jinja filters; not supported: images, sub-documents and RichText objects (the context is text).
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from commands.round.letters.settings import TemplateError

HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".emf", ".wmf")
_LISTING = re.compile("[\n\t\a\f]")


def _quoted(detail: object) -> str:
    """The library's own (English) message, quoted once after our Dutch explanation."""
    text = str(detail or "").strip()
    return f' (melding van de sjabloonbibliotheek: "{text}").' if text else "."


class CompiledTemplate:
    """One .docx template, checked against the placeholders it may use."""

    def __init__(self, source: Path | bytes, known: Iterable[str], name: str = "") -> None:
        self.name = name or (source.name if isinstance(source, Path) else "sjabloon")
        try:
            blob = source.read_bytes() if isinstance(source, Path) else source
        except OSError as exc:
            raise TemplateError(
                f"Briefsjabloon {self.name} is niet te lezen: {exc.strerror or exc}."
            ) from None
        try:
            self._docx = DocxTemplate(BytesIO(blob))
            self._docx.init_docx()
            with zipfile.ZipFile(BytesIO(blob)) as book:
                self._files = [(info, book.read(info)) for info in book.infolist()]
        except Exception as exc:  # python-docx: a zip without Word parts, or no zip at all
            raise TemplateError(
                f"Briefsjabloon {self.name} is geen bruikbaar Word-bestand (.docx); sla het in "
                f"Word op als .docx-document{_quoted(exc)}"
            ) from None
        self.env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        self._check(set(known))
        self._parts = self._compile()

    def _check(self, known: set[str]) -> None:
        """An unknown placeholder is named before any letter is written, with a near match."""
        try:
            used = self._docx.get_undeclared_template_variables(jinja_env=self.env)
        except jinja2.TemplateSyntaxError as exc:
            raise self._syntax(exc) from None
        unknown = sorted(used - known)
        if unknown:
            names = []
            for name in unknown:
                near = difflib.get_close_matches(name, known, n=1)
                names.append(f"{{{{ {name} }}}}" + (f" (bedoelt u {near[0]}?)" if near else ""))
            raise TemplateError(
                f"Briefsjabloon {self.name} gebruikt onbekende velden: {', '.join(names)}. "
                "De bruikbare velden staan in de README onder 'Brieven'."
            )

    def _syntax(self, exc: jinja2.TemplateSyntaxError) -> TemplateError:
        return TemplateError(
            f"Briefsjabloon {self.name} heeft een fout in de tags: controleer of elke {{% if %}} "
            f"een {{% endif %}} heeft en elke {{{{ een }}}}{_quoted(exc.message)}"
        )

    def _compile(self) -> dict[str, jinja2.Template]:
        """Zip name → compiled template, for the parts that hold tags."""
        doc = self._docx.docx
        sources = {"word/document.xml": self._docx.xml_to_string(doc.element)}
        for rel in doc.part.rels.values():
            if rel.reltype in (HEADER, FOOTER) and not rel.is_external:
                part = rel.target_part
                sources[part.partname.lstrip("/")] = self._docx.get_part_xml(part)
        parts = {}
        for zip_name, xml in sources.items():
            if "{" not in xml:
                continue
            patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", self._docx.patch_xml(xml))
            try:
                parts[zip_name] = self.env.from_string(patched)
            except jinja2.TemplateSyntaxError as exc:
                raise self._syntax(exc) from None
        return parts

    def render(self, context: Mapping[str, Any]) -> bytes:
        """One letter as .docx bytes; a tag that fails is a TemplateError naming it."""
        listing = any(isinstance(v, str) and _LISTING.search(v) for v in context.values())
        rendered = {}
        for zip_name, template in self._parts.items():
            try:
                xml = template.render(context)
            except jinja2.UndefinedError as exc:
                raise TemplateError(
                    f"Briefsjabloon {self.name} gebruikt een onbekend veld of een onderdeel van "
                    "een veld dat niet bestaat; de bruikbare velden staan in de README onder "
                    f"'Brieven'{_quoted(exc.message)}"
                ) from None
            except jinja2.TemplateError as exc:
                raise TemplateError(
                    f"Briefsjabloon {self.name} kan niet worden ingevuld; controleer de tags "
                    f"rond de velden{_quoted(exc)}"
                ) from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}")
            xml = xml.replace("{_%", "{%").replace("%_}", "%}")
            if listing:
                xml = self._docx.resolve_listing(xml)
            data = (_DECLARATION + xml).encode("utf-8")
            try:
                etree.fromstring(data)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    f"Briefsjabloon {self.name} levert geen geldig Word-document op; staat elke "
                    f"{{%p %}}-tag in een eigen alinea en elke {{%tr %}}-tag in een eigen "
                    f"tabelrij?{_quoted(exc)}"
                ) from None
            rendered[zip_name] = data
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
            for info, blob in self._files:
                data = rendered.get(info.filename, blob)
                kind = (
                    zipfile.ZIP_STORED
                    if info.filename.lower().endswith(_COMPRESSED)
                    else zipfile.ZIP_DEFLATED
                )
                book.writestr(info.filename, data, compress_type=kind)
        return out.getvalue()
