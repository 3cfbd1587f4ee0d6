"""One of two processes recording the same rounds at once (tests/test_ronde_m365.py): for each
link given, wait until the other process is ready too, then press *Ja* on the Utrecht round of
1 October 2022 through the real stack, and print the reply's first line.

Forked from the test (nothing to import again), or on its own:
    python -m tests.m365_worker BARRIER_DIR NAME LINK…   (settings from the environment)
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path


def main(folder: str, name: str, links: list[str], env: dict[str, str] | None = None) -> int:
    from bot.services import Services
    from bot.settings import Settings
    from commands.router import handle
    from sheets.sources.ladder import Recorder

    os.environ.update(env or {})
    for trial, link in enumerate(links):
        barrier = Path(folder) / str(trial)
        barrier.mkdir(exist_ok=True)
        (barrier / name).touch()
        deadline = time.monotonic() + 20
        while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.002)
        services = Services.from_settings(Settings({**os.environ, "TAAKBOT_SOURCE": link}))
        services.front.recorder = Recorder(services.cache, clock=lambda: datetime(2022, 10, 3, 9))
        reply = handle(services.ctx(4242, today=date(2022, 10, 3)), "/ronde ja 2022-10-01 Utrecht")
        text = reply.action.run().text if reply.action else reply.text
        print(f"{trial}\t{text.splitlines()[0]}", flush=True)
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
