"""Every table fits a phone held upright: at most 34 characters a line inside <pre>."""

from __future__ import annotations

import re
from datetime import date

import pytest

from commands import table
from commands.context import Ctx
from commands.reply import split_message
from commands.roles import Role
from commands.router import handle
from sheets.loading.convert import load
from sheets.sources.local import default_source

PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
DAYS = (date(2021, 4, 2), date(2022, 3, 21), date(2022, 10, 2))


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


def _questions(data) -> list[str]:
    return (
        [f"/regio {r}" for r in data.regions()]
        + [f"/provincie {p}" for p in data.provinces()]
        + ["/deadlines", "/prognose Haaglanden", "/stand Den Haag", "/controle"]
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("day", DAYS)
def test_every_table_fits_a_phone(data, day, lang) -> None:
    seen = 0
    for question in _questions(data):
        text = handle(Ctx(data, day, 7, Role("provincie"), lang), question).text
        for block in PRE.findall(text):
            seen += 1
            for line in block.split("\n"):
                assert len(line) <= table.WIDTH, f"{question} on {day}: {line!r}"
    assert seen >= len(data.regions()) + len(data.provinces())


@pytest.mark.parametrize(
    ("name", "width", "short"),
    [
        ("Delft", 17, "Delft"),
        ("Capelle aan den IJssel", 18, "Capelle a/d IJssel"),
        ("Leidschendam-Voorburg", 17, "Leidschendam-V."),
        ("Regio Utrecht (U16)", 14, "Utrecht (U16)"),
        ("Regio Utrecht (U16)", 10, "Utrecht"),
        ("Hardinxveld-Giessendam", 12, "Hardinxveld…"),
        ("Alphen aan den Rijn", 12, "Alphen a/d…"),
    ],
)
def test_short_names(name, width, short) -> None:
    assert table.short_name(name, width) == short
    assert len(short) <= width


def test_render_shrinks_the_name_column_only() -> None:
    rows = [["Hendrik-Ido-Ambacht en nog veel meer", "3B", "1.234/5.678", "100%", "!"]]
    lines = table.render(["gemeente", "tr", "geh/opg", "%", ""], rows)
    assert all(len(line) <= table.WIDTH for line in lines)
    assert lines[1].endswith("3B 1.234/5.678 100%!")


@pytest.mark.parametrize("limit", [4096, 1024, 300])
def test_long_answers_split_between_lines_and_never_inside_a_tag(limit) -> None:
    text = (
        "<b>Kop</b>\n<pre>"
        + "\n".join(f"regel {i} {'x' * 20}" for i in range(400))
        + "</pre>\n<i>"
        + " ".join(["woord &amp; meer"] * 600)
        + "</i>"
    )
    parts = split_message(text, limit)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= limit
        stack = []
        for match in re.finditer(r"<(/?)([a-z]+)>", part):
            if match.group(1):
                assert stack.pop() == match.group(2), part[:80]
            else:
                stack.append(match.group(2))
        assert not stack, part[-80:]
        assert not re.search(r"&[a-z]*$", re.sub(r"</\w+>$", "", part))  # no cut entity
    lines = [line for part in parts for line in re.sub(r"</?(pre|i)>", "", part).split("\n")]
    assert sum(line.startswith("regel ") for line in lines) == 400  # no line of the table cut
