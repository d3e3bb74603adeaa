"""What the course changes in sphinx-book-theme: a lighter page (no fontawesome.js),
the course's CSS and JS (phones, print, charts' data tables, working sidebar buttons),
names for unnamed controls, and a front-door redirect that asks for nothing."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

TEMPLATES = Path(__file__).parent / "templates"
REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<meta http-equiv="refresh" content="0; url={target}">
</head><body><p><a href="{target}">{title}</a></p></body></html>
"""


def _use_course_templates(app: Sphinx, config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))


COURSE_CSS = "course.css"  # csto_course/static: phones, print, charts' data tables
COURSE_JS = "course.js"  # csto_course/static: the theme's sidebar buttons made to work
_TOGGLE = re.compile(r'(<a [^>]*>([^<]*)</a>)<details([^>]*)><summary>(?=<span class="toctree-toggle")')


def _label_toggles(generate):
    """The theme's sidebar: its expand/collapse toggles are unnamed icons; name them."""
    def generate_toctree_html(kind, *args, **kwargs):
        out = generate(kind, *args, **kwargs)
        if kind != "sidebar":  # "raw" callers want the BeautifulSoup object
            return out
        out = str(out)  # the sidebar's HTML (a BeautifulSoup object in this theme version)
        named = _TOGGLE.sub(lambda m: f'{m[1]}<details{m[3]}><summary aria-label="Pages under '
                            f'{m[2].replace(chr(34), "&quot;")}">', out)
        return named.replace('<summary><span class="toctree-toggle"',
                             '<summary aria-label="Pages in this part"><span class="toctree-toggle"')
    return generate_toctree_html


def _accessible_markup(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Docutils 0.21 marks bibliography entries "doc-biblioentry" inside a role="list":
    # a list whose items are not list items (axe: aria-required-children).
    body = context.get("body", "")
    if 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if "generate_toctree_html" in context:
        context["generate_toctree_html"] = _label_toggles(context["generate_toctree_html"])


def _search_from_disk(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Opened from disk (file://), the search page cannot fetch result pages for their
    # summaries (a console error per result); it lists the results without them.
    if pagename == "search":
        app.add_js_file(None, body="if (location.protocol === 'file:') "
                                   "DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;")


def _write_root_redirect(app: Sphinx, exception) -> None:
    """The site's front door: a redirect to the landing page that, unlike the one
    sphinx-external-toc writes, names an empty icon, so the browser neither asks for
    /favicon.ico (a 404) nor starts a request the redirect would abort."""
    if exception or app.builder.format != "html" or app.config.root_doc == "index":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    page = REDIRECT.format(title=app.config.html_title, target=target)
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_course_templates)
    app.add_css_file(COURSE_CSS)
    app.add_js_file(COURSE_JS, loading_method="defer")
    app.connect("html-page-context", _accessible_markup, priority=600)  # after the theme's
    app.connect("html-page-context", _search_from_disk)
    # Before sphinx-external-toc, which writes a bare redirect only if none exists.
    app.connect("build-finished", _write_root_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
