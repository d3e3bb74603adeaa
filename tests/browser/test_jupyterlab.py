"""The introduction in a live JupyterLab, offline: the stored chart draws with
JupyterLab's own Vega, and once the cells run the quiz is a working widget."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from csto_course import ROOT

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
         "--LabApp.news_url=None", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):  # up to 60 s for the server to answer
        try:
            urllib.request.urlopen(url + "/api", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=20)


def test_introduction_chart_and_quiz_in_jupyterlab(browser_page, jupyterlab):
    page = browser_page
    # ?reset: a fresh workspace, whatever an earlier session left open.
    page.goto(f"{jupyterlab}/lab/tree/book/introduction.ipynb?reset", wait_until="load")
    chart = page.locator(".jp-RenderedVegaLite").first
    chart.locator("svg, canvas").first.wait_for(state="attached", timeout=60_000)

    page.get_by_role("menuitem", name="Run").click()
    page.get_by_text("Run All Cells", exact=True).click()
    quiz = page.locator(".jupyter-widgets", has_text="Question 1 of").first
    quiz.wait_for(timeout=60_000)
    quiz.get_by_label("David Trilling's EurasiaNet report (26 April 2010)").check()
    quiz.get_by_role("button", name="Check answer").first.click()
    page.get_by_text("it quotes Moscow analysts by", exact=False).first.wait_for(timeout=10_000)

    external = [u for u in page.watch.external]
    assert external == [], external
