"""/grafiek: cumulative housed against the straight-line schedule, as a PNG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from commands.common import footer, resolve  # noqa: E402
from commands.context import Ctx  # noqa: E402
from commands.reply import Reply  # noqa: E402
from engine.status import status_on  # noqa: E402


def grafiek(ctx: Ctx, args: str) -> Reply:
    target = resolve(ctx, "grafiek", args, ("gemeente", "regio"))
    if isinstance(target, Reply):
        return target
    _ = ctx._
    statuses = [status_on(ctx.data, n, ctx.today) for n in target.members]
    usable = [s for s in statuses if s.opgave and s.snapshot]
    if not usable:
        return Reply(
            _("Geen cijfers voor {name} in deze periode; er valt niets te tekenen.").format(
                name=ctx.e(target.name)
            )
        )
    png = render(ctx, target.name, usable)
    peil = max(s.snapshot.peildatum for s in usable)
    caption = _("{name}: gehuisvest tegen het schema, periode {period}.").format(
        name=ctx.e(target.name), period=usable[0].period.label
    )
    return Reply(caption + "\n" + footer(ctx, peil), image=png)


def render(ctx: Ctx, title: str, statuses) -> bytes:
    """One line of cumulative totals; the whole region is summed per peildatum."""
    _ = ctx._
    period = statuses[0].period
    opgave = sum(s.opgave.opgave for s in statuses)
    extra = sum(s.opgave.extra for s in statuses)
    totals: dict = {period.start: 0}
    for st in statuses:
        for snap in st.rec.snapshots_in(period):
            if snap.peildatum <= ctx.today:
                totals.setdefault(snap.peildatum, 0)
    for day in list(totals):
        totals[day] = sum(
            (st.policy.realised_base(s) if (s := st.rec.latest_snapshot(period, day)) else 0)
            for st in statuses
        )
    days = sorted(totals)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    ax.plot(
        [period.start, period.end],
        [0, opgave],
        color="#888888",
        linestyle=":",
        label=_("schema (rechte lijn naar de opgave)"),
    )
    ax.axhline(
        opgave, color="#1f4e79", linewidth=1, label=_("opgave {n}").format(n=ctx.fmt.num(opgave))
    )
    if extra:
        ax.axhline(
            opgave + extra,
            color="#7f6000",
            linewidth=1,
            linestyle="--",
            label=_("opgave + extra {n}").format(n=ctx.fmt.num(opgave + extra)),
        )
    minimum = sum(s.minimum for s in statuses)
    ax.plot(
        [period.midpoint],
        [minimum],
        marker="D",
        color="#c00000",
        linestyle="none",
        label=_("minimum {d}: {n}").format(
            d=ctx.fmt.short_date(period.midpoint), n=ctx.fmt.num(minimum)
        ),
    )
    ax.plot(
        days,
        [totals[d] for d in days],
        marker="o",
        color="#2e7d32",
        linewidth=2,
        label=_("gehuisvest"),
    )
    prognosis = sum(s.prognoses[0].value for s in statuses if s.prognoses)
    if any(s.prognoses for s in statuses):
        ax.plot(
            [days[-1], period.end],
            [totals[days[-1]], prognosis],
            color="#2e7d32",
            linestyle="--",
            label=_("prognose {n}").format(n=ctx.fmt.num(round(prognosis))),
        )
    ax.set_title(f"{title} — {period.label}")
    ax.set_xlim(period.start, period.end)
    ax.set_ylim(0, max(opgave + extra, prognosis, max(totals.values())) * 1.1 or 1)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d-%m"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
