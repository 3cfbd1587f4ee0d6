"""Shared by the Microsoft 365 tests: one test CA per process (trustme), the fake Graph started on
loopback with the client trusting that CA, and links as people copy them from SharePoint."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.graph_api import FakeGraphServer

LINK = "https://provincie.sharepoint.com/:x:/s/Wonen/EbT4aKsTAAKBOTz1?e=Xy9Zq1"
ALLITEMS = (
    "https://provincie.sharepoint.com/sites/Wonen/Gedeelde%20documenten/Forms/AllItems.aspx"
    "?id=%2Fsites%2FWonen%2FGedeelde%20documenten%2Ftaakstelling.xlsx&viewid=1234"
)
FILE = "https://provincie.sharepoint.com/sites/Wonen/Gedeelde%20documenten/taakstelling.xlsx"


@functools.cache
def test_ca(folder: str) -> tuple[Any, str]:
    """A CA made once per process (trustme), its certificate written where clients read it."""
    import trustme

    ca = trustme.CA()
    path = Path(folder) / "graph-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


def serve_graph(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> Iterator[FakeGraphServer]:
    """The fake Graph and sign-in over HTTPS; requests (and msal through it) trust its CA (the
    `graph` fixture of tests/conftest.py)."""
    ca, pem = test_ca(str(tmp_path_factory.getbasetemp()))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pem)
    with FakeGraphServer.in_thread(ca) as server:
        yield server


def graph_source(server: FakeGraphServer, link: str = LINK, slept: list | None = None, **more):
    from sheets.sources.m365 import GraphSource

    sleep = slept.append if slept is not None else (lambda seconds: None)
    return GraphSource(link, **{**server.source_options(), **more}, sleep=sleep)
