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
    """The static HTML of one chart: a labelled div, its description, its data as a
    table (for readers who cannot see the chart) and its spec as inert JSON."""
    cid = chart_id(spec)
    # "</" would end the <script> element early; JSON allows "<\/" instead.
    payload = _canonical(spec).replace("</", "<\\/")
    text, given = _description(spec)
    # A description the chart sets is shown to everyone; the fallback (title and
    # marks) would only repeat the drawn title, so it is for screen readers.
    desc_class = "csto-chart-desc" if given else "csto-chart-desc csto-visually-hidden"
    return (
        f'<div class="{CHART_CLASS}" id="{cid}" role="figure" '
        f'aria-label="{html.escape(_label(spec))}" aria-describedby="{cid}-desc"></div>\n'
        f'<p class="{desc_class}" id="{cid}-desc">{html.escape(text)}</p>\n'
        + data_table_html(spec, cid)
        + f'<script type="application/json" data-chart-for="{cid}">{payload}</script>'
    )


# --- text alternatives: the description and the data table ----------------------

TABLE_ROWS = 25  # rows shown per dataset; the rest is counted ("and 12 more rows")
_CELL_CHARS = 120
_MARK_WORDS = {"bar": "bars", "point": "points", "circle": "points", "square": "points",
               "line": "lines", "trail": "lines", "area": "areas", "rule": "rules",
               "tick": "ticks", "text": "labels", "rect": "boxes", "arc": "arcs",
               "geoshape": "a map", "image": "images"}


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


def _title_parts(spec: dict) -> tuple[str, str]:
    title = spec.get("title", "")
    if isinstance(title, dict):
        return _text(title.get("text")), _text(title.get("subtitle"))
    return _text(title), ""


def _walk(spec, key: str):
    """Every value stored under ``key`` in the spec, its layers and concatenations."""
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == key:
                yield v
            if k not in ("datasets", "data", "config"):
                yield from _walk(v, key)
    elif isinstance(spec, list):
        for v in spec:
            yield from _walk(v, key)


def _description(spec: dict) -> tuple[str, bool]:
    """The chart's description and whether the chart set it (``description=``)."""
    if spec.get("description"):
        return str(spec["description"]), True
    title, subtitle = _title_parts(spec)
    marks = []
    for mark in _walk(spec, "mark"):
        word = _MARK_WORDS.get(mark.get("type") if isinstance(mark, dict) else mark)
        if word and word not in marks:
            marks.append(word)
    parts = [f"Chart: {title.rstrip('.')}." if title else "Chart."]
    if subtitle:
        parts.append(subtitle.rstrip(".") + ".")
    if marks:
        drawn = marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + " and " + marks[-1]
        parts.append(f"Drawn with {drawn}.")
    parts.append("Its data is in the data table below the chart.")
    return " ".join(parts), False


def _columns(spec: dict, rows: list[dict]) -> list[tuple[str, str]]:
    """(field, heading) for the fields the chart encodes, in order; else every field."""
    present = {k for row in rows[:50] for k in row}
    columns: dict[str, str] = {}
    for encoding in _walk(spec, "encoding"):
        if not isinstance(encoding, dict):
            continue
        for channel in encoding.values():
            for fdef in channel if isinstance(channel, list) else [channel]:
                field = fdef.get("field") if isinstance(fdef, dict) else None
                if isinstance(field, str) and field in present and field not in columns:
                    title = fdef.get("title")
                    columns[field] = _text(title) if title else field
    if not columns:
        columns = {k: k for k in rows[0]}
    return list(columns.items())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if len(text) > _CELL_CHARS:
        text = text[: _CELL_CHARS - 1].rstrip() + "…"
    return html.escape(text)


def data_table_html(spec: dict, cid: str) -> str:
    """The chart's inline data as HTML tables in a closed ``<details>`` (the first
    ``TABLE_ROWS`` rows of each dataset; map outlines, which are not rows, left out)."""
    datasets, seen = [], set()
    candidates = [rows for rows in spec.get("datasets", {}).values()
                  if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)]
    # Largest first; a layer that only repeats rows already shown (a highlight, a label) is left out.
    for rows in sorted(candidates, key=len, reverse=True):
        keys = [_canonical(r) for r in rows]
        if all(k in seen for k in keys):
            continue
        seen.update(keys)
        datasets.append(rows)
    if not datasets:
        return ""
    title = _title_parts(spec)[0] or "the chart"
    parts = [f'<details class="csto-chart-data"><summary>Data table: {html.escape(title)}</summary>']
    for n, rows in enumerate(datasets, start=1):
        columns = _columns(spec, rows)
        caption = f"{title}: data" + (f", table {n} of {len(datasets)}" if len(datasets) > 1 else "")
        parts.append('<div class="pst-scrollable-table-container"><table class="table csto-data-table">')
        parts.append(f"<caption>{html.escape(caption)} ({len(rows)} row{'s' if len(rows) != 1 else ''})</caption>")
        parts.append("<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for _, h in columns) + "</tr></thead><tbody>")
        for row in rows[:TABLE_ROWS]:
            parts.append("<tr>" + "".join(f"<td>{_cell(row.get(f))}</td>" for f, _ in columns) + "</tr>")
        parts.append("</tbody></table></div>")
        if len(rows) > TABLE_ROWS:
            more = len(rows) - TABLE_ROWS
            parts.append(f'<p class="csto-data-more">… and {more} more row{"s" if more != 1 else ""}: '
                         "the notebook and the data appendix have them all.</p>")
    parts.append("</details>\n")
    return "".join(parts)


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
        "    }).then(function () {  // the actions menu's toggle is an icon: name it\n"
        "      var toggle = el.querySelector('details > summary');\n"
        "      if (toggle) toggle.setAttribute('aria-label', 'Chart actions: save as SVG or PNG');\n"
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
