"""Altair charts that draw offline, in the built book and in live Jupyter.

Importing this module registers and enables the ``csto`` Altair renderer. Its
output is deterministic (the chart's DOM id is a hash of its spec), so strict
nbval can compare stored outputs, and it needs no network:

* ``text/html`` (what the book shows): a ``<div class="csto-chart">`` holding the
  spec as JSON. The book's Sphinx extension adds ``csto-charts.js`` (Vega, Vega-Lite
  and vega-embed, served by the book itself) to every page with such a div, and
  only to those pages.
* ``application/vnd.vegalite.v5+json`` (what JupyterLab, Notebook 7 and VS Code
  show): their built-in Vega renderer draws it without any download.
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt

RENDERER = "csto"
CHART_CLASS = "csto-chart"
BOOK_SCRIPT = "csto-charts.js"

# Jupyter's built-in renderer knows Vega-Lite 5; the specs we use draw the same
# under 5 and 6, and the v5 schema URL spares the reader a version warning.
JUPYTER_MIME = "application/vnd.vegalite.v5+json"
_JUPYTER_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _canonical(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chart_id(spec: dict) -> str:
    """A DOM id that depends only on the spec, so outputs are the same run after run."""
    return "chart-" + hashlib.sha256(_canonical(spec).encode()).hexdigest()[:12]


def _label(spec: dict) -> str:
    """The chart's text alternative: its description, else its title."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    return spec.get("description") or title or "Chart"


def chart_html(spec: dict) -> str:
    """The static HTML of one chart: a labelled div and its spec as inert JSON."""
    cid = chart_id(spec)
    # "</" would end the <script> element early; JSON allows "<\/" instead.
    payload = _canonical(spec).replace("</", "<\\/")
    return (
        f'<div class="{CHART_CLASS}" id="{cid}" role="img" '
        f'aria-label="{html.escape(_label(spec))}"></div>\n'
        f'<script type="application/json" data-chart-for="{cid}">{payload}</script>'
    )


def render(spec: dict, **metadata) -> dict:
    """Altair renderer: the mimebundle for one chart."""
    jupyter_spec = {**spec, "$schema": _JUPYTER_SCHEMA}
    return {
        "text/html": chart_html(spec),
        JUPYTER_MIME: jupyter_spec,
        "text/plain": f"<{_label(spec)}>",
    }


def book_script(vega_bundle: str) -> str:
    """The page script: the Vega bundle, kept in a closure, then one embed per chart.

    The bundle's top-level constants would clash with Sphinx's own globals, so it
    runs inside a function; it publishes ``window.vegaEmbed`` itself.
    """
    return (
        "(function(){\n" + vega_bundle + "\n})();\n"
        "document.addEventListener('DOMContentLoaded', function () {\n"
        "  document.querySelectorAll('script[data-chart-for]').forEach(function (s) {\n"
        "    var el = document.getElementById(s.getAttribute('data-chart-for'));\n"
        "    if (!el) return;\n"
        "    el.style.width = '100%';  // charts are as wide as the column ('container')\n"
        "    window.vegaEmbed(el, JSON.parse(s.textContent), {\n"
        "      renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}\n"
        "    }).catch(function (err) { console.error('chart ' + el.id + ': ' + err); });\n"
        "  });\n"
        "});\n"
    )


@alt.theme.register(RENDERER, enable=True)
def theme() -> alt.theme.ThemeConfig:
    """The course's look: readable type, and charts as wide as the page column
    (``width="container"``), so that they fit a phone as well as a laptop."""
    return {
        "width": "container",
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
            "axis": {"labelFontSize": 12, "titleFontSize": 13},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "view": {"continuousHeight": 300, "stroke": None},
        },
    }


alt.renderers.register(RENDERER, render)
alt.renderers.enable(RENDERER)
