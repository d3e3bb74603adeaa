"""Write the book's data appendix (MyST Markdown) from the data package descriptor.

No Sphinx here: :func:`appendix_markdown` returns text that the book's own directive
parses. Everything on the page comes from ``datapackage.json`` and the CSV files, so
the appendix cannot drift from the data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .data import descriptor, load


def appendix_markdown(data_dir: Path, link_prefix: str) -> str:
    """MyST Markdown describing every table: fields, keys, sources cited, rows, download.

    ``link_prefix`` is put before each CSV file name in the ``{download}`` links, e.g.
    ``../data/`` when the page sits one folder below the repository root.
    """
    desc = descriptor(data_dir=data_dir)
    titles = _source_titles(data_dir)
    out = [
        desc.get("description", ""),
        "",
        f"The package has {len(desc['resources'])} tables, described by a "
        f"[Frictionless Data Package](https://specs.frictionlessdata.io/) "
        f"({{download}}`datapackage.json <{link_prefix}datapackage.json>`). "
        f"Licence: {', '.join(lic['name'] for lic in desc.get('licenses', []))}. "
        "In Python, `csto_course.data.load(\"events\")` returns a table as a typed, "
        "validated pandas DataFrame.",
        "",
    ]
    for resource in desc["resources"]:
        out += _section(resource, data_dir, link_prefix, titles)
    return "\n".join(out).rstrip() + "\n"


def _section(resource: dict, data_dir: Path, link_prefix: str, titles: dict) -> list[str]:
    name, schema = resource["name"], resource["schema"]
    frame = load(name, data_dir=data_dir)
    lines = [
        f"## {resource.get('title', name)}",
        "",
        resource.get("description", ""),
        "",
        f"- Table name: `{name}`; rows: {len(frame)}; "
        f"download: {{download}}`{resource['path']} <{link_prefix}{resource['path']}>`",
        f"- Primary key: {', '.join(f'`{k}`' for k in schema.get('primaryKey', [])) or 'none'}",
    ]
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        lines.append(f"- Foreign key: `{fk['fields'][0]}` → `{ref['resource']}.{ref['fields'][0]}`")
    lines += ["", "| field | type | description | constraints |", "| --- | --- | --- | --- |"]
    for field in schema["fields"]:
        lines.append(f"| `{field['name']}` | {_type(field)} | {_cell(field.get('description', ''))} "
                     f"| {_cell(_constraints(field))} |")
    if "source" in frame.columns and name != "sources":
        counts = Counter(frame["source"])
        lines += ["", "Sources cited (rows per source):", "",
                  "| source | title | rows |", "| --- | --- | --- |"]
        for source_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| `{source_id}` | {_cell(titles.get(source_id, '?'))} | {n} |")
    lines.append("")
    return lines


def _source_titles(data_dir: Path) -> dict:
    sources = load("sources", data_dir=data_dir)
    return dict(zip(sources["id"], sources["title"]))


def _type(field: dict) -> str:
    if field["type"] == "list":
        return f"list of {field.get('itemType', 'string')} (`{field.get('delimiter', ',')}`)"
    if field.get("partialDate") is not None:
        return "partial date"
    return field["type"]


def _constraints(field: dict) -> str:
    cons = dict(field.get("constraints", {}))
    parts = []
    if cons.pop("required", False):
        parts.append("required")
    if cons.pop("unique", False):
        parts.append("unique")
    if "enum" in cons:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in cons.pop("enum")))
    for key, label in (("minimum", "min"), ("maximum", "max"), ("minLength", "min length"),
                       ("pattern", "pattern")):
        if key in cons:
            value = cons.pop(key)
            parts.append(f"{label} `{value}`" if key == "pattern" else f"{label} {value}")
    item = field.get("itemConstraints", {})
    if "enum" in item:
        parts.append("items one of: " + ", ".join(f"`{v}`" for v in item["enum"]))
    if "minimum" in item or "maximum" in item:
        parts.append(f"items {item.get('minimum', '')}–{item.get('maximum', '')}")
    precision = field.get("partialDate", {}).get("precisionField")
    if precision:
        parts.append(f"precision in `{precision}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")
