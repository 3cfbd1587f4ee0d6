"""/grafiek draws a chart ready for a slide, and says in its caption what the chart shows."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import pytest
from PIL import Image

from commands import chart
from commands.context import Ctx
from commands.roles import Role
from commands.router import handle
from engine.status import status_on
from sheets.convert import load
from sheets.local import default_source

MARCH_21, NOV_10 = date(2022, 3, 21), date(2022, 11, 10)


@pytest.fixture(scope="module")
def data():
    source = default_source()
    return load(source.fetch(), source.describe())


def ctx(data, day=MARCH_21, lang="nl") -> Ctx:
    return Ctx(data, day, 7, Role("provincie"), lang)


@pytest.mark.parametrize(
    ("command", "day", "caption"),
    [
        # the same rounding as /regio: 629, the sum of the rounded prognoses (not 630)
        ("/grafiek Haaglanden", MARCH_21, ["275 van de 884", "31%", "Prognose 1 juli 2022: 629",
                                           "9 van de 9 gemeenten hebben cijfers"]),
        ("/grafiek Den Haag", MARCH_21, ["129 van de 417", "Minimum vóór 1 april 2022: 209",
                                         "Prognose 1 juli 2022: 296"]),
        ("/grafiek Regio Amersfoort", NOV_10, ["1 van de 7 gemeenten heeft cijfers: Leusden",
                                               "31 van de 50"]),
    ],
)  # fmt: skip
def test_png_of_slide_size_with_key_figures_in_the_caption(data, command, day, caption) -> None:
    reply = handle(ctx(data, day), command)
    assert reply.image is not None
    width, height = Image.open(io.BytesIO(reply.image)).size
    assert width >= 1600 and height >= 900
    for part in caption:
        assert part in reply.text, reply.text
    assert len(reply.text) <= 1024  # a photo caption


def test_region_prognosis_matches_the_table(data) -> None:
    c = ctx(data)
    members = data.regions()["Haaglanden"]
    statuses = [status_on(data, n, MARCH_21) for n in members]
    figures = chart.collect(c, "Haaglanden", [s for s in statuses if s.prognoses], len(members))
    assert figures.prognosis == sum(s.prognoses[0].rounded for s in statuses if s.prognoses)
    assert figures.prognosis == 629  # the unrounded sum would give 630


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_figure_has_axis_titles_source_line_and_coverage(data, lang) -> None:
    c = ctx(data, NOV_10, lang)
    members = data.regions()["Regio Amersfoort"]
    statuses = [status_on(data, n, NOV_10) for n in members]
    usable = [s for s in statuses if s.realised is not None]
    fig = chart.build_figure(c, chart.collect(c, "Regio Amersfoort", usable, len(members)))
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith(("Bron:", "Source:")) and "2022" in t for t in texts), texts
    assert any("1" in t and "7" in t for t in texts), texts  # 1 of the 7 municipalities
    colours = {line.get_color() for line in ax.get_lines()}
    assert colours <= set(chart.PALETTE), colours


def test_importing_the_router_does_not_load_matplotlib() -> None:
    code = "import sys, commands.router; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
