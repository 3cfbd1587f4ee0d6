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
from commands.reply import finished
from commands.roles import Role
from commands.router import handle
from engine.model import Municipality, MunicipalityRecord, PeriodFigures, Snapshot
from engine.periods import Period
from engine.state import DataSet
from engine.status import status_on
from sheets.loading.convert import load
from sheets.sources.local import default_source

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
    reply = finished(handle(ctx(data, day), command))
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


@pytest.mark.parametrize(
    ("realised", "prognosis"),
    [(72, 221), (1500, 1700)],  # far behind (the lower-right legend sat on it), ahead
)
def test_the_legend_never_covers_the_lines(data, realised: int, prognosis: int) -> None:
    """A legend drawn over the prognosis line hid it on the slide of a municipality far behind."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from engine.periods import Period

    period = Period(2025, 1)
    figures = chart.Figures(
        title="Gemeente", period=period, opgave=1729, extra=5, minimum=865, realised=realised,
        prognosis=prognosis, peildatum=date(2025, 3, 1),
        points=[(period.start, 0), (date(2025, 2, 1), realised // 2), (date(2025, 3, 1), realised)],
        with_figures=("Gemeente",), members=1,
    )  # fmt: skip
    fig = chart.build_figure(ctx(data, date(2025, 3, 21)), figures)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent()
    for line in ax.get_lines():
        xy = ax.transData.transform(line.get_xydata())
        for (x0, y0), (x1, y1) in zip(xy, xy[1:], strict=False):  # along each segment
            for t in (i / 50 for i in range(51)):
                x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                assert not box.contains(x, y), f"legend covers {line.get_label()!r}"


@pytest.mark.parametrize(
    ("command", "absent"),
    [
        ("/stand Nuldorp", "0%"),
        ("/regio Nulregio", "0%"),
        ("/grafiek Nulregio", "0%"),
    ],
)
def test_opgave_zero_has_no_percentage_anywhere(command, absent) -> None:
    """One percentage (engine.reasons.percentage): of an opgave of 0 there is none, not 0 %."""
    p = Period(2022, 1)
    m = Municipality("Nuldorp", "Zuid-Holland", "Nulregio")
    rec = MunicipalityRecord(
        m, {p: PeriodFigures(m.name, p, 0, 0)}, [Snapshot(m.name, date(2022, 3, 1), p, 0)]
    )
    reply = finished(handle(ctx(DataSet(records={m.name: rec}), MARCH_21), command))
    assert absent not in reply.text, reply.text
