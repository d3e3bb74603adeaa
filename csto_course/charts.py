"""Altair charts that draw offline, in the built book and in live Jupyter.

Importing this module registers and enables the ``csto`` Altair renderer. A chart's
output is its Vega-Lite spec as ``application/vnd.vegalite.v5+json``, the one
mimetype that JupyterLab, Notebook 7 and VS Code all draw with their built-in Vega,
with no download. It is deterministic, so strict nbval can compare it.

The book cannot draw that mimetype itself, so the course's Sphinx extension turns it
into :func:`chart_html` (a ``<div class="csto-chart">`` with the spec as inert JSON,
its id a hash of the spec) and adds ``csto-charts.js`` (Vega, Vega-Lite and
vega-embed, served by the book itself) to the pages with a chart, and only to those.
A ``text/html`` output would not do: JupyterLab prefers HTML to its Vega renderer.
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
    return {JUPYTER_MIME: {**spec, "$schema": _JUPYTER_SCHEMA}, "text/plain": f"<{_label(spec)}>"}


_COMPOSITE = ("hconcat", "vconcat", "concat", "facet", "repeat")


def book_html(jupyter_spec: dict) -> str:
    """The book's HTML for a stored chart output: its own Vega-Lite version restored,
    and as wide as the page column (so it fits a phone as well as a laptop) unless
    the chart sets a width. Jupyter gets no "container" width: in JupyterLab's output
    area it sets off an endless resize that crashes the tab."""
    spec = {**jupyter_spec, "$schema": alt.SCHEMA_URL}
    if "width" not in spec and not any(k in spec for k in _COMPOSITE):
        spec["width"] = "container"
    return chart_html(spec)


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
    """The course's look: readable type and a calm frame."""
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
            "axis": {"labelFontSize": 12, "titleFontSize": 13},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "view": {"continuousWidth": 600, "continuousHeight": 300, "stroke": None},
        },
    }


alt.renderers.register(RENDERER, render)
alt.renderers.enable(RENDERER)
