"""Load the course tables in ``data/`` as typed, validated pandas DataFrames.

The tables are described by a Frictionless Data Package (``data/datapackage.json``).
:func:`load` checks every cell against its field in that descriptor before it builds the
DataFrame, so a bad row fails loudly with a message that names the file, the row, the
field and the problem, e.g.::

    data/events.csv, row 14 (id 'csto-charter-2002'), field 'date_precision':
    'week' is not one of year, month, day

Row numbers are those of the CSV file as a spreadsheet shows it: the header is row 1,
the first data row is row 2.

Column types returned by :func:`load`:

* ``string`` fields: pandas ``str`` columns (missing values are ``NaN``).
* ``string`` fields with an ``enum`` constraint: ``category`` with the enum's order as the
  categories (unordered), so charts and ``value_counts`` keep a stable order.
* ``integer``: ``Int64`` (nullable); ``number``: ``float64``; ``boolean``: ``bool``
  (``boolean`` if the field may be empty).
* ``list`` fields (``;``-separated in the CSV, e.g. ``states``): a Python ``list`` per cell
  (empty list when the cell is empty), items converted to the field's ``itemType``.
  Use ``df.explode("states")`` for one row per item.
* partial dates (fields with a ``partialDate`` property, e.g. ``date``): the column holds
  a ``Timestamp`` at the *start* of the period (``2002`` -> 2002-01-01, ``2002-05`` ->
  2002-05-01), the text as written is kept in ``<field>_text``, and the precision column
  (``date_precision``, a ``category`` of year < month < day) says how much of the date is
  known. A precision column must agree with the shape of the text.

Foreign keys are checked too: every ``source`` must be an ``id`` of ``sources``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd

from . import ROOT

DATA_DIR = ROOT / "data"
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}
_TRUE_DEFAULT = ["true", "True", "TRUE", "1"]
_FALSE_DEFAULT = ["false", "False", "FALSE", "0"]


class DataError(ValueError):
    """A course table is missing, unknown or does not match its schema.

    ``problems`` holds one message per problem; ``str(error)`` lists them all.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            text = f"{len(self.problems)} problems:\n" + "\n".join(self.problems)
        super().__init__(text)


def descriptor(*, data_dir: Path | None = None) -> dict:
    """The data package descriptor (``datapackage.json``) as a dict."""
    path = Path(data_dir or DATA_DIR) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{_show(path)}: file not found") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{_show(path)}: not valid JSON ({exc})") from None


def tables(*, data_dir: Path | None = None) -> list[str]:
    """Names of the tables (resources) in the package, in descriptor order."""
    return [r["name"] for r in descriptor(data_dir=data_dir)["resources"]]


def load(name: str, *, data_dir: Path | None = None) -> pd.DataFrame:
    """Validate ``data/<name>.csv`` against its schema and return it as a typed DataFrame.

    Raises :class:`DataError` naming the file, row, key, field and problem.
    """
    data_dir = Path(data_dir or DATA_DIR)
    desc = descriptor(data_dir=data_dir)
    resource = _resource(desc, name, data_dir)
    header, rows, label = _read(resource, data_dir)
    fields = resource["schema"]["fields"]
    problems = _check_header(label, header, fields)
    if problems:
        raise DataError(problems)
    records, problems = _parse_rows(label, rows, fields)
    problems += _check_keys(label, resource, records, desc, data_dir)
    if problems:
        raise DataError(problems)
    return _frame(records, fields)


# --- reading ---------------------------------------------------------------------------

def _show(path: Path) -> str:
    """Path as the user should see it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _resource(desc: dict, name: str, data_dir: Path) -> dict:
    for resource in desc["resources"]:
        if resource["name"] == name:
            return resource
    known = ", ".join(r["name"] for r in desc["resources"])
    raise DataError(f"unknown table {name!r} in {_show(data_dir / 'datapackage.json')}; "
                    f"known tables: {known}")


def _read(resource: dict, data_dir: Path) -> tuple[list[str], list[list[str]], str]:
    path = data_dir / resource["path"]
    label = _show(path)
    if not path.exists():
        raise DataError(f"{label}: file not found (listed in "
                        f"{_show(data_dir / 'datapackage.json')} as resource "
                        f"{resource['name']!r})")
    # newline="" lets the csv module handle quoted line breaks itself.
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise DataError(f"{label}: file is empty (expected a header row)")
    return rows[0], rows[1:], label


def _check_header(label: str, header: list[str], fields: list[dict]) -> list[str]:
    expected = [f["name"] for f in fields]
    if header == expected:
        return []
    missing = [n for n in expected if n not in header]
    extra = [n for n in header if n not in expected]
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(missing))
    if extra:
        parts.append("unexpected column(s) " + ", ".join(extra))
    if not parts:
        parts.append("columns in the wrong order; expected " + ", ".join(expected))
    return [f"{label}, row 1 (header): " + "; ".join(parts)]


# --- cell checks -------------------------------------------------------------------------

def _where(label: str, rownum: int, key: str | None, field: str) -> str:
    keypart = f" (id {key!r})" if key else ""
    return f"{label}, row {rownum}{keypart}, field {field!r}"


def _parse_rows(label: str, rows: list[list[str]], fields: list[dict]):
    names = [f["name"] for f in fields]
    key_index = names.index("id") if "id" in names else None
    records, problems = [], []
    for offset, row in enumerate(rows):
        rownum = offset + 2  # header is row 1
        if not any(cell.strip() for cell in row):
            problems.append(f"{label}, row {rownum}: blank row")
            continue
        key = row[key_index] if key_index is not None and key_index < len(row) else None
        if len(row) != len(fields):
            problems.append(f"{label}, row {rownum}" + (f" (id {key!r})" if key else "")
                            + f": has {len(row)} cells, expected {len(fields)}")
            continue
        record = {}
        for field, raw in zip(fields, row):
            try:
                record[field["name"]] = _cell(field, raw)
            except ValueError as exc:
                problems.append(f"{_where(label, rownum, key, field['name'])}: {exc}")
        for field in fields:  # cross-field rule: a date and its precision agree
            precision_field = field.get("partialDate", {}).get("precisionField")
            if precision_field and field["name"] in record and precision_field in record:
                text, precision = row[names.index(field["name"])], record[precision_field]
                shape = _PRECISION_BY_LENGTH.get(len(text)) if text else None
                if shape != precision and precision in ("year", "month", "day", None):
                    problems.append(
                        f"{_where(label, rownum, key, precision_field)}: {precision or 'empty'!s} "
                        f"does not match {field['name']} {text or '(empty)'!r}"
                        + (f" (which is a {shape} date)" if shape else ""))
        records.append((rownum, key, record))
    return records, problems


def _cell(field: dict, raw: str):
    """Convert one CSV cell to a Python value, raising ValueError with a plain message."""
    cons = field.get("constraints", {})
    if raw == "":
        if cons.get("required"):
            raise ValueError("is required but empty")
        return [] if field["type"] == "list" else None
    kind = field["type"]
    if kind == "list":
        items = raw.split(field.get("delimiter", ","))
        item_field = {"name": field["name"], "type": field.get("itemType", "string"),
                      "constraints": field.get("itemConstraints", {})}
        out = []
        for item in items:
            try:
                out.append(_cell(item_field, item))
            except ValueError as exc:
                raise ValueError(f"item {item!r}: {exc}") from None
        return out
    value = _convert(field, kind, raw)
    _constrain(cons, value, raw)
    if field.get("partialDate") is not None:
        _check_partial_date(raw)
    return value


def _convert(field: dict, kind: str, raw: str):
    if kind == "string":
        return raw
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", raw):
            raise ValueError(f"{raw!r} is not an integer")
        return int(raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if kind == "boolean":
        if raw in field.get("trueValues", _TRUE_DEFAULT):
            return True
        if raw in field.get("falseValues", _FALSE_DEFAULT):
            return False
        allowed = field.get("trueValues", _TRUE_DEFAULT) + field.get("falseValues", _FALSE_DEFAULT)
        raise ValueError(f"{raw!r} is not a boolean (use {' or '.join(allowed)})")
    raise ValueError(f"unsupported field type {kind!r} in the schema")


def _constrain(cons: dict, value, raw: str) -> None:
    if "enum" in cons and value not in cons["enum"]:
        raise ValueError(f"{raw!r} is not one of {', '.join(map(str, cons['enum']))}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], raw):
        raise ValueError(f"{raw!r} does not match the pattern {cons['pattern']}")
    if "minLength" in cons and len(raw) < cons["minLength"]:
        raise ValueError(f"{raw!r} is shorter than {cons['minLength']} characters")
    if "maxLength" in cons and len(raw) > cons["maxLength"]:
        raise ValueError(f"{raw!r} is longer than {cons['maxLength']} characters")
    if "minimum" in cons and value < cons["minimum"]:
        raise ValueError(f"{raw} is below the minimum {cons['minimum']}")
    if "maximum" in cons and value > cons["maximum"]:
        raise ValueError(f"{raw} is above the maximum {cons['maximum']}")


def _check_partial_date(raw: str) -> None:
    """A partial date must also be a real calendar date (no 2003-02-30)."""
    parts = raw.split("-")
    try:
        pd.Timestamp(year=int(parts[0]), month=int(parts[1]) if len(parts) > 1 else 1,
                     day=int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        raise ValueError(f"{raw!r} is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


# --- keys ----------------------------------------------------------------------------------

def _check_keys(label, resource, records, desc, data_dir) -> list[str]:
    problems = []
    schema = resource["schema"]
    unique = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    for name in dict.fromkeys(schema.get("primaryKey", []) + unique):
        seen = {}
        for rownum, key, record in records:
            value = record.get(name)
            if value is None:
                continue
            if value in seen:
                problems.append(f"{_where(label, rownum, key, name)}: duplicate value "
                                f"{value!r} (first in row {seen[value]})")
            else:
                seen[value] = rownum
    for fk in schema.get("foreignKeys", []):
        (field,), ref = fk["fields"], fk["reference"]
        target = ref.get("resource") or resource["name"]
        known = (_key_values(records, ref["fields"][0]) if target == resource["name"]
                 else _column(desc, target, ref["fields"][0], data_dir))
        for rownum, key, record in records:
            value = record.get(field)
            if value is not None and value not in known:
                problems.append(f"{_where(label, rownum, key, field)}: {value!r} is not an "
                                f"{ref['fields'][0]} in {target}")
    return problems


def _key_values(records, name) -> set:
    return {record.get(name) for _, _, record in records}


def _column(desc: dict, name: str, column: str, data_dir: Path) -> set:
    """Values of one column of another table (read raw: that table is validated on its own load)."""
    resource = _resource(desc, name, data_dir)
    header, rows, label = _read(resource, data_dir)
    if column not in header:
        raise DataError(f"{label}: missing column {column!r} needed as a foreign key target")
    i = header.index(column)
    return {row[i] for row in rows if len(row) > i}


# --- typing ----------------------------------------------------------------------------

def _frame(records, fields: list[dict]) -> pd.DataFrame:
    index = pd.RangeIndex(len(records))
    columns = {}
    for field in fields:
        name, kind = field["name"], field["type"]
        values = [record[name] for _, _, record in records]
        cons = field.get("constraints", {})
        if field.get("partialDate") is not None:
            columns[name] = pd.Series([_start(v) for v in values], index, "datetime64[ns]")
            columns[f"{name}_text"] = pd.Series(values, index, "str")
        elif cons.get("enum") == ["year", "month", "day"]:
            # precision is naturally ordered: year < month < day
            columns[name] = pd.Series(pd.Categorical(values, cons["enum"], ordered=True), index)
        elif "enum" in cons and kind == "string":
            columns[name] = pd.Series(pd.Categorical(values, cons["enum"]), index)
        elif kind == "integer":
            columns[name] = pd.Series(values, index, "Int64")
        elif kind == "number":
            columns[name] = pd.Series([float("nan") if v is None else v for v in values],
                                      index, "float64")
        elif kind == "boolean":
            dtype = "boolean" if None in values else "bool"
            columns[name] = pd.Series(values, index, dtype)
        elif kind == "list":
            columns[name] = pd.Series(values, index, "object")
        else:
            columns[name] = pd.Series(values, index, "str")
    return pd.DataFrame(columns)


def _start(text: str | None):
    if text is None:
        return pd.NaT
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return pd.Timestamp(year=parts[0], month=parts[1], day=parts[2])
