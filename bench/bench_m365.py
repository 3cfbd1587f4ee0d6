"""A Microsoft 365 workbook's refresh through the fake Microsoft Graph, beside Google's, same run.

Per refresh: the requests sent to Graph and the time, split as bench_gsheet splits it:
* http: until the whole answer is in; against the fake that is mostly the fake server building
  JSON in Python on the same cores (it measures neither Microsoft nor the bot);
* json: parsing the answers (the bot pays this against Microsoft too);
* own: what the bot does with the values (conversion, damage check, prepare);
* bot = json + own: the bot's cost of a refresh, whatever Microsoft's speed.

Refreshes: cold (sign-in, the link resolved, every worksheet read), unchanged (the workbook's
cTag only: the DataSet served stays), changed (someone saved the workbook: cTag, worksheets, one
`$batch` per 20 worksheets). The baseline in the same run is Google's reader (bench_gsheet's
OurReader: one metadata request and one values:batchGet) on the same SYNTHETIC country workbook
(bench/workbook.py). Each fake runs in its own process; the readers in this one, one at a time.

    python bench/bench_m365.py [--scale 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LINK = "https://provincie.sharepoint.com/:x:/s/Wonen/EbBenchBenchBenchBench?e=bench1"


def _serve(conn: Connection, scale: int, folder: str) -> None:
    """The fake Graph with the country workbook, steered through `conn`."""
    import trustme

    from bench.workbook import country
    from tests.fakes.graph_api import FakeGraphServer

    ca = trustme.CA()
    pem = os.path.join(folder, "ca.pem")
    ca.cert_pem.write_to_path(pem)
    tabs = country(scale)
    with FakeGraphServer.in_thread(ca) as server:
        book = server.add_workbook(LINK, tabs)
        conn.send((pem, server.source_options()))
        while (command := conn.recv()) != "stop":
            if command == "touch":  # someone saved the workbook: the same cells, a new cTag
                server.set_tabs(book.item_id, tabs)
            conn.send(dict(server.counts))


class GraphReader:
    def __init__(self, options: dict[str, Any]) -> None:
        from bench.bench_gsheet import WireTimer
        from bot.refresh import Heap
        from sheets.runtime.cache import SheetCache
        from sheets.sources.m365 import GraphSource

        self.source = GraphSource(LINK, **options)
        self.cache = SheetCache(self.source)
        self.wire = WireTimer(self.source._session)
        self.heap = Heap()  # as the bot's refresh job: no GC while converting, settle after
        self.cache.converting = self.heap.converting

    def refresh(self) -> dict[str, float]:
        before = self.source.requests_made
        self.wire.take()
        start = time.perf_counter()
        result = self.cache.refresh(keep_previous=False)
        whole = time.perf_counter() - start
        assert result.ok, result.error
        self.heap.settle()
        http, json = self.wire.take()
        requests = self.source.requests_made - before
        return {"requests": requests, "whole": whole, "http": http, "json": json,
                "own": whole - http - json}  # fmt: skip


def _google(scale: int, repeat: int) -> list[dict[str, float]]:
    """Google's reader, changed every time (it has no cheap 'unchanged'), as bench_gsheet."""
    from bench.bench_gsheet import OurReader
    from bench.bench_gsheet import _serve as serve_sheets

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_sheets, args=(child, scale), daemon=True)
    server.start()
    url = parent.recv()
    reader = OurReader(url)
    out = []
    for _ in range(repeat + 1):
        reader.wire.take()
        before = reader.source.requests_made
        fetch, own, _diff = reader.refresh()  # the change summary (/ververs only) apart
        http, json = reader.wire.take()
        out.append({"requests": reader.source.requests_made - before, "whole": fetch + own,
                    "http": http, "json": json, "own": fetch + own - http - json})  # fmt: skip
    parent.send("stop")
    server.join(timeout=10)
    return out[1:]  # the first pays imports and connections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-m365-")
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child, args.scale, folder), daemon=True)
    server.start()
    pem, options = parent.recv()
    os.environ["REQUESTS_CA_BUNDLE"] = pem
    reader = GraphReader(options)
    rows: dict[str, list[dict[str, float]]] = {"cold": [reader.refresh()]}
    for _ in range(args.repeat):
        rows.setdefault("unchanged", []).append(reader.refresh())
        parent.send("touch")
        parent.recv()
        rows.setdefault("changed", []).append(reader.refresh())
    parent.send("stop")
    server.join(timeout=10)
    rows["Google (baseline)"] = _google(args.scale, args.repeat)

    print(f"country ×{args.scale}, median of {args.repeat} (cold: once); seconds")
    head = ("refresh", "requests", "whole", "http", "json", "own", "bot=json+own")
    print("  ".join(f"{h:>18}" if i == 0 else f"{h:>12}" for i, h in enumerate(head)))
    for name, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        cells = [f"{med['requests']:12.0f}"] + [
            f"{med[k]:12.3f}" for k in ("whole", "http", "json", "own")
        ]
        cells.append(f"{med['json'] + med['own']:12.3f}")
        print(f"{name:>18}  " + "  ".join(cells))
    google = statistics.median(r["json"] + r["own"] for r in rows["Google (baseline)"])
    changed = statistics.median(r["json"] + r["own"] for r in rows["changed"])
    unchanged = statistics.median(r["whole"] for r in rows["unchanged"])
    print(f"bot's cost of a changed refresh: {changed / google:.2f}× Google's (same run); "
          f"an unchanged one takes {unchanged * 1000:.1f} ms in all")  # fmt: skip


if __name__ == "__main__":
    main()
