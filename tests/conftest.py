"""Shared fixtures: the built book served on 127.0.0.1, and headless Chromium pages."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from csto_course import ROOT

BUILT_BOOK = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium phones home at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output for failures
        pass


@pytest.fixture(scope="session")
def built_book() -> Path:
    if not (BUILT_BOOK / "index.html").exists():
        pytest.fail(f"{BUILT_BOOK} has no built book: run 'make book' first (make test does)")
    return BUILT_BOOK


@pytest.fixture(scope="session")
def book_url(built_book):
    """Base URL (ending in '/') of the built book, served over HTTP on loopback."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did: console errors, failed requests, requests that left the machine."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("request", self._check_host)

    def _check_host(self, request):
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about", "file"):
            return
        if url.hostname not in ("127.0.0.1", "localhost"):
            self.external.append(request.url)

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"failed request: {f}" for f in self.failed]
            + [f"request outside the machine: {u}" for u in self.external]
        )


@pytest.fixture
def browser_page(chromium):
    """A fresh page (own context, so no shared storage) with a PageWatch at ``page.watch``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()
