"""Export the quiz banks for learning platforms: Moodle's GIFT and QTI 1.2 (Canvas).

    csto-course export-questions --format gift --out questions.gift.txt
    csto-course export-questions --format qti --out questions-qti.zip

Banks are read with the course's loader (``csto_course.quiz.load_all``), so they are
validated first, in their canonical form. Each bank becomes a category (GIFT) or an
assessment (QTI); each question keeps its id (GIFT: the question name and Moodle's
ID number; QTI: the item ident).

How each question type is carried:

=========== ========================================== ==========================================
type        GIFT (Moodle)                              QTI 1.2 (Canvas ``question_type``)
=========== ========================================== ==========================================
single      multiple choice, ``=`` right, ``~`` wrong  multiple_choice_question
multiple    multiple choice with weights: right ones   multiple_answers_question (all right, no
            share 100 %, wrong ones -100 %             wrong: full marks)
truefalse   ``{TRUE#...#...}`` (feedback if wrong,      true_false_question
            then if right)
numeric     ``{#answer:tolerance}``; each feedback     numerical_question (exact or a range);
            range becomes a 0 % range with its         feedback ranges become conditions with
            feedback                                   their feedback
order       **no native type**: matching, each event   **no native type in Canvas classic
            to its position ("1st", "2nd", ...)        quizzes**: matching_question, each item
                                                       to its position
match       matching; choices no item needs are added  matching_question, one dropdown per item
            as extra answers
=========== ========================================== ==========================================

Per-option feedback is kept where the format has it (GIFT: choice, true/false and
numeric ranges; QTI: every choice, true/false, numeric ranges). Per-item feedback of
``order`` and ``match`` questions has no place in either format: it goes into the
general feedback, after the explanation and the "see" pointer.

:func:`parse_gift` and :func:`parse_qti` read the files back (the tests' round trip).
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from .quiz import load_all
from .quiz.bank import Bank

FORMATS = ("gift", "qti")
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CATEGORY_ROOT = "csto-course"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def general_feedback(q: dict) -> str:
    """Explanation, where the chapter teaches it, and item feedback a format cannot hold."""
    parts = [q["explanation"].strip()]
    if q["type"] in ("order", "match"):
        notes = [f"{i['text'].rstrip('.')}: {i['feedback']}" for i in q["items"] if i.get("feedback")]
        parts += notes
    parts.append(f"See: {q['see']['text']}.")
    return " ".join(p for p in parts if p)


def _number(x) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --- GIFT ---------------------------------------------------------------------------------------

_GIFT_SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    text = " ".join(str(text).split())  # one line: GIFT ends a question at a blank line
    text = text.replace("\\", "\\\\")
    for ch in _GIFT_SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text


def gift_question(q: dict) -> str:
    t = q["type"]
    lines = [f"// {q['id']} ({t}{', exported as matching' if t == 'order' else ''})",
             f"// [id:{q['id']}]",
             f"::{gift_escape(q['id'])}::{gift_escape(q['prompt'])} {{"]
    if t == "single":
        for o in q["options"]:
            mark = "=" if o["id"] == q["answer"] else "~"
            lines.append(f"\t{mark}{gift_escape(o['text'])}#{gift_escape(o['feedback'])}")
    elif t == "multiple":
        right = [o for o in q["options"] if o["id"] in q["answer"]]
        share = 100 / len(right)
        weight = f"{share:.5f}".rstrip("0").rstrip(".")
        for o in q["options"]:
            w = weight if o["id"] in q["answer"] else "-100"
            lines.append(f"\t~%{w}%{gift_escape(o['text'])}#{gift_escape(o['feedback'])}")
    elif t == "truefalse":
        fb = {o["id"]: o["feedback"] for o in q["options"]}
        right = q["answer"]
        wrong = "false" if right == "true" else "true"
        lines.append(f"\t{'TRUE' if right == 'true' else 'FALSE'}#{gift_escape(fb[wrong])}#{gift_escape(fb[right])}")
    elif t == "numeric":
        lines.append("\t#")
        lines.append(f"\t={_number(q['answer'])}:{_number(q['tolerance'])}#{gift_escape(q['explanation'])}")
        for r in q["ranges"]:
            lines.append(f"\t=%0%{_number(r['min'])}..{_number(r['max'])}#{gift_escape(r['feedback'])}")
    elif t == "order":
        for n, item in enumerate(q["items"], start=1):
            lines.append(f"\t={gift_escape(item['text'])} -> {ordinal(n)}")
    elif t == "match":
        used = {i["answer"] for i in q["items"]}
        text = {c["id"]: c["text"] for c in q["choices"]}
        for item in q["items"]:
            lines.append(f"\t={gift_escape(item['text'])} -> {gift_escape(text[item['answer']])}")
        for c in q["choices"]:
            if c["id"] not in used:
                lines.append(f"\t= -> {gift_escape(c['text'])}")
    else:  # pragma: no cover - the loader only lets known types through
        raise ValueError(f"{q['id']}: unknown type {t}")
    lines.append(f"\t####{gift_escape(general_feedback(q))}")
    lines.append("}")
    return "\n".join(lines)


def to_gift(banks: list[Bank]) -> str:
    out = ["// Question banks of the course \"Russia, the CSTO and Kyrgyzstan\" (CC BY 4.0).",
           "// Moodle: Question bank -> Import -> GIFT format. One category per chapter.",
           "// Ordering questions are exported as matching (each event to its position).", ""]
    for bank in banks:
        out += [f"// {bank.title}", f"$CATEGORY: $course$/{CATEGORY_ROOT}/{bank.id}", ""]
        for q in bank.questions:
            out += [gift_question(q), ""]
    return "\n".join(out)


def _unescape_gift(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _split_unescaped(text: str, seps: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters; returns (separator, chunk) pairs."""
    out, buf, sep, i = [], "", "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf += text[i:i + 2]
            i += 2
            continue
        if ch in seps:
            out.append((sep, buf))
            sep, buf = ch, ""
        else:
            buf += ch
        i += 1
    out.append((sep, buf))
    return [(s, b) for s, b in out if s or b.strip()]


def _find_unescaped(text: str, ch: str, start: int = 0, last: bool = False) -> int:
    found = -1
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ch:
            if not last:
                return i
            found = i
        i += 1
    return found


def parse_gift(text: str) -> list[dict]:
    """Read GIFT back: one dict per question (id, name, category, type, prompt, answers,
    general_feedback). Enough of GIFT for what :func:`to_gift` writes, and common files."""
    questions, category = [], ""
    for block in re.split(r"\n\s*\n", text):
        comments = [ln.strip() for ln in block.splitlines() if ln.strip().startswith("//")]
        body = "\n".join(ln for ln in block.splitlines() if not ln.strip().startswith("//")).strip()
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body[len("$CATEGORY:"):].strip()
            continue
        idnumber = next((m.group(1) for c in comments for m in [re.search(r"\[id:([^\]]+)\]", c)] if m), "")
        name = ""
        if body.startswith("::"):
            end = body.index("::", 2)
            name, body = _unescape_gift(body[2:end]), body[end + 2:]
        start = _find_unescaped(body, "{")
        stop = _find_unescaped(body, "}", last=True)
        prompt, answer = _unescape_gift(body[:start]), body[start + 1:stop].strip()
        general = ""
        if "####" in answer:
            answer, general = answer.rsplit("####", 1)
            general = _unescape_gift(general)
        answer = answer.strip()
        q = {"id": idnumber or name, "name": name, "category": category, "prompt": prompt,
             "general_feedback": general, "answers": []}
        if answer.startswith("#"):
            q["type"] = "numerical"
            for sep, chunk in _split_unescaped(answer[1:], "="):
                if not chunk.strip():
                    continue
                weight, chunk = _weight(chunk.strip(), default=100)
                value, _, fb = chunk.partition("#")
                value = value.strip()
                if ".." in value:
                    lo, hi = value.split("..")
                    entry = {"min": float(lo), "max": float(hi)}
                else:
                    ans, _, tol = value.partition(":")
                    entry = {"answer": float(ans), "tolerance": float(tol or 0)}
                q["answers"].append({**entry, "weight": weight, "feedback": _unescape_gift(fb)})
        elif re.fullmatch(r"(T|TRUE|F|FALSE)(#.*)?", answer, re.S):
            head, *fbs = [p for _, p in _split_unescaped(answer, "#")] or [answer]
            q["type"] = "truefalse"
            q["answers"] = [{"value": head.strip() in ("T", "TRUE"),
                             "wrong_feedback": _unescape_gift(fbs[0]) if fbs else "",
                             "right_feedback": _unescape_gift(fbs[1]) if len(fbs) > 1 else ""}]
        elif _find_unescaped(answer, "~") >= 0:
            q["type"] = "multichoice"
            for sep, chunk in _split_unescaped(answer, "~="):
                if not sep:
                    continue
                chunk = chunk.strip()
                weight, chunk = _weight(chunk, default=100 if sep == "=" else 0)
                parts = _split_unescaped(chunk, "#")
                text = parts[0][1] if parts and not parts[0][0] else ""
                fb = next((c for s, c in parts if s == "#"), "")
                q["answers"].append({"text": _unescape_gift(text), "weight": weight, "feedback": _unescape_gift(fb)})
        elif "->" in answer:
            q["type"] = "matching"
            for sep, chunk in _split_unescaped(answer, "="):
                if sep != "=":
                    continue
                left, _, right = chunk.partition("->")
                q["answers"].append({"item": _unescape_gift(left), "match": _unescape_gift(right)})
        else:
            q["type"] = "shortanswer" if answer else "essay"
        questions.append(q)
    return questions


def _weight(chunk: str, default: float) -> tuple[float, str]:
    m = re.match(r"%(-?[0-9.]+)%", chunk)
    if m:
        return float(m.group(1)), chunk[m.end():]
    return default, chunk


# --- QTI 1.2 (Canvas) --------------------------------------------------------------------------

CANVAS_TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                "truefalse": "true_false_question", "numeric": "numerical_question",
                "order": "matching_question", "match": "matching_question"}


def _el(parent, tag, text=None, **attrs):
    e = ET.SubElement(parent, tag, {k.rstrip("_"): str(v) for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def _material(parent, text: str):
    mat = _el(parent, "material")
    _el(mat, "mattext", f"<p>{html.escape(text.strip())}</p>", texttype="text/html")
    return mat


def _meta(item, fields: dict):
    md = _el(_el(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields.items():
        f = _el(md, "qtimetadatafield")
        _el(f, "fieldlabel", label)
        _el(f, "fieldentry", str(entry))


def _feedback(item, ident: str, text: str):
    fb = _el(item, "itemfeedback", ident=ident)
    _material(_el(fb, "flow_mat"), text)


def _choice_item(section, q: dict, options: list[dict], right: set[str], multiple: bool):
    item = _el(section, "item", ident=q["id"], title=q["id"])
    _meta(item, {"question_type": CANVAS_TYPES[q["type"]], "points_possible": "1.0"})
    pres = _el(item, "presentation")
    _material(pres, q["prompt"])
    lid = _el(pres, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
    rc = _el(lid, "render_choice")
    for o in options:
        label = _el(rc, "response_label", ident=o["id"])
        _material(label, o["text"])
    proc = _el(item, "resprocessing")
    _el(_el(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _general(proc)
    for o in options:
        cond = _el(proc, "respcondition", continue_="Yes")
        _el(_el(cond, "conditionvar"), "varequal", o["id"], respident="response1")
        _el(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{o['id']}_fb")
    cond = _el(proc, "respcondition", continue_="No")
    cv = _el(cond, "conditionvar")
    if multiple:
        both = _el(cv, "and")
        for o in options:
            if o["id"] in right:
                _el(both, "varequal", o["id"], respident="response1")
            else:
                _el(_el(both, "not"), "varequal", o["id"], respident="response1")
    else:
        _el(cv, "varequal", next(iter(right)), respident="response1")
    _el(cond, "setvar", "100", action="Set", varname="SCORE")
    _feedback(item, "general_fb", general_feedback(q))
    for o in options:
        _feedback(item, f"{o['id']}_fb", o["feedback"])


def _general(proc):
    cond = _el(proc, "respcondition", continue_="Yes")
    _el(_el(cond, "conditionvar"), "other")
    _el(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")


def _numeric_item(section, q: dict):
    item = _el(section, "item", ident=q["id"], title=q["id"])
    _meta(item, {"question_type": CANVAS_TYPES["numeric"], "points_possible": "1.0"})
    pres = _el(item, "presentation")
    _material(pres, q["prompt"] + (f" ({q['unit']})" if q.get("unit") else ""))
    rs = _el(pres, "response_str", ident="response1", rcardinality="Single")
    _el(_el(rs, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    proc = _el(item, "resprocessing")
    _el(_el(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _general(proc)
    for n, r in enumerate(q["ranges"], start=1):
        cond = _el(proc, "respcondition", continue_="Yes")
        both = _el(_el(cond, "conditionvar"), "and")
        _el(both, "vargte", _number(r["min"]), respident="response1")
        _el(both, "varlte", _number(r["max"]), respident="response1")
        _el(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"range{n}_fb")
    cond = _el(proc, "respcondition", continue_="No")
    either = _el(_el(cond, "conditionvar"), "or")
    _el(either, "varequal", _number(q["answer"]), respident="response1")
    tol = q["tolerance"]
    both = _el(either, "and")
    _el(both, "vargte", _number(q["answer"] - tol), respident="response1")
    _el(both, "varlte", _number(q["answer"] + tol), respident="response1")
    _el(cond, "setvar", "100", action="Set", varname="SCORE")
    _feedback(item, "general_fb", general_feedback(q))
    for n, r in enumerate(q["ranges"], start=1):
        _feedback(item, f"range{n}_fb", r["feedback"])


def _matching_item(section, q: dict, items: list[tuple[str, str, str]], choices: list[tuple[str, str]]):
    """items: (ident, text, right choice ident); choices: (ident, text)."""
    item = _el(section, "item", ident=q["id"], title=q["id"])
    _meta(item, {"question_type": "matching_question", "points_possible": "1.0"})
    pres = _el(item, "presentation")
    _material(pres, q["prompt"])
    for ident, text, _ in items:
        lid = _el(pres, "response_lid", ident=f"response_{ident}")
        _material(lid, text)
        rc = _el(lid, "render_choice")
        for cid, ctext in choices:
            label = _el(rc, "response_label", ident=f"{ident}__{cid}")
            _material(label, ctext)
    proc = _el(item, "resprocessing")
    _el(_el(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _general(proc)
    share = f"{100 / len(items):.4f}"
    for ident, _, right in items:
        cond = _el(proc, "respcondition")
        _el(_el(cond, "conditionvar"), "varequal", f"{ident}__{right}", respident=f"response_{ident}")
        _el(cond, "setvar", share, varname="SCORE", action="Add")
    _feedback(item, "general_fb", general_feedback(q))


def qti_assessment(bank: Bank) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = _el(root, "assessment", ident=bank.id, title=bank.title)
    section = _el(assessment, "section", ident="root_section")
    for q in bank.questions:
        t = q["type"]
        if t in ("single", "truefalse"):
            right = {q["answer"]}
            _choice_item(section, q, q["options"], right, multiple=False)
        elif t == "multiple":
            _choice_item(section, q, q["options"], set(q["answer"]), multiple=True)
        elif t == "numeric":
            _numeric_item(section, q)
        elif t == "order":
            positions = [(f"pos{n}", ordinal(n)) for n in range(1, len(q["items"]) + 1)]
            items = [(i["id"], i["text"], f"pos{n}") for n, i in enumerate(q["items"], start=1)]
            _matching_item(section, q, items, positions)
        elif t == "match":
            _matching_item(section, q, [(i["id"], i["text"], i["answer"]) for i in q["items"]],
                           [(c["id"], c["text"]) for c in q["choices"]])
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _manifest(banks: list[Bank]) -> bytes:
    root = ET.Element("manifest", {"identifier": "csto-course-questions", "xmlns": CP_NS})
    _el(root, "organizations")
    resources = _el(root, "resources")
    for bank in banks:
        res = _el(resources, "resource", identifier=bank.id, type="imsqti_xmlv1p2",
                  href=f"{bank.id}/{bank.id}.xml")
        _el(res, "file", href=f"{bank.id}/{bank.id}.xml")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def to_qti_zip(banks: list[Bank]) -> bytes:
    """An IMS content package (zip): the manifest and one QTI 1.2 assessment per bank."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name, data):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        add("imsmanifest.xml", _manifest(banks))
        for bank in banks:
            add(f"{bank.id}/{bank.id}.xml", qti_assessment(bank))
    return buf.getvalue()


def _text(el) -> str:
    mt = el.find(f"{{{QTI_NS}}}material/{{{QTI_NS}}}mattext")
    if mt is None or mt.text is None:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", mt.text)).strip()


def parse_qti(data: bytes) -> list[dict]:
    """Read a QTI zip (or one assessment XML) back: one dict per item with the bank,
    id, Canvas type, prompt, choices and what scores."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            manifest = ET.fromstring(zf.read("imsmanifest.xml"))
            hrefs = [f.get("href") for f in manifest.iter(f"{{{CP_NS}}}file")]
            docs = [zf.read(h) for h in hrefs]
    else:
        docs = [data]
    ns = {"q": QTI_NS}
    out = []
    for doc in docs:
        root = ET.fromstring(doc)
        for assessment in root.iterfind("q:assessment", ns):
            for item in assessment.iterfind(".//q:item", ns):
                meta = {f.findtext("q:fieldlabel", namespaces=ns): f.findtext("q:fieldentry", namespaces=ns)
                        for f in item.iterfind(".//q:qtimetadatafield", ns)}
                pres = item.find("q:presentation", ns)
                entry = {"bank": assessment.get("ident"), "id": item.get("ident"),
                         "type": meta.get("question_type"), "prompt": _text(pres), "choices": {},
                         "correct": [], "pairs": {}, "numeric": None}
                for lid in pres.iterfind("q:response_lid", ns):
                    for label in lid.iterfind(".//q:response_label", ns):
                        entry["choices"][label.get("ident")] = _text(label)
                proc = item.find("q:resprocessing", ns)
                for cond in proc.iterfind("q:respcondition", ns):
                    setvar = cond.find("q:setvar", ns)
                    if setvar is None:
                        continue
                    cv = cond.find("q:conditionvar", ns)
                    if setvar.get("action") == "Add":  # matching: one condition per item
                        eq = cv.find("q:varequal", ns)
                        lid = pres.find(f"q:response_lid[@ident='{eq.get('respident')}']", ns)
                        entry["pairs"][_text(lid)] = entry["choices"][eq.text]
                    elif cv.find("q:or", ns) is not None:  # numeric
                        either = cv.find("q:or", ns)
                        entry["numeric"] = {"answer": float(either.findtext("q:varequal", namespaces=ns)),
                                            "min": float(either.findtext("q:and/q:vargte", namespaces=ns)),
                                            "max": float(either.findtext("q:and/q:varlte", namespaces=ns))}
                    elif cv.find("q:and", ns) is not None:  # multiple answers
                        entry["correct"] = [e.text for e in cv.find("q:and", ns).findall("q:varequal", ns)]
                    else:
                        entry["correct"] = [e.text for e in cv.findall("q:varequal", ns)]
                out.append(entry)
    return out


# --- entry point ---------------------------------------------------------------------------------

def export(fmt: str, out: Path, *, bank_dir: Path | None = None, only: list[str] | None = None) -> tuple[Path, int, int]:
    """Write every bank (or those in ``only``) to ``out``; returns (path, banks, questions)."""
    banks = load_all(bank_dir)
    if only:
        unknown = sorted(set(only) - {b.id for b in banks})
        if unknown:
            raise ValueError(f"no quiz bank {', '.join(unknown)} (known: {', '.join(b.id for b in banks)})")
        banks = [b for b in banks if b.id in only]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gift":
        out.write_text(to_gift(banks), encoding="utf-8")
    elif fmt == "qti":
        out.write_bytes(to_qti_zip(banks))
    else:
        raise ValueError(f"unknown format {fmt!r}: use gift or qti")
    return out, len(banks), sum(len(b.questions) for b in banks)
