"""The course's command line: csto-course COMMAND.

Run ``csto-course --help`` for the list of commands, ``csto-course COMMAND --help``
for one of them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import ROOT, notebooks

STUDENT_DIR = ROOT / "_build" / "student"
EPILOG = """examples:
  csto-course student                                  student versions in _build/student/exercises/
  csto-course student --book                           and the book without solutions
  csto-course assign --chapters 0,2 --due 2026-10-12 --out week2.zip
  csto-course grade submissions/*.ipynb --out grades.csv --timeout 120
  csto-course export-questions --format gift --out questions.gift.txt
  csto-course export-questions --format qti --out questions-qti.zip
"""


def _execute(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.notebooks] or notebooks.course_notebooks()
    for path in paths:
        print(f"executing {path}", flush=True)
        notebooks.execute(path)
    return 0


def _student(args: argparse.Namespace) -> int:
    from . import assignments

    paths = [Path(p) for p in args.notebooks] or assignments.exercise_notebooks()
    out = Path(args.out) if args.out else STUDENT_DIR / "exercises"
    for path in assignments.write_student_versions(paths, out):
        print(f"wrote {path}")
    if args.book:
        html = assignments.student_book(STUDENT_DIR)
        print(f"The book without solutions is built: open file://{html / 'index.html'}")
    return 0


def _chapters(text: str) -> list[int]:
    try:
        chapters = [int(c) for c in text.replace(" ", "").split(",") if c]
    except ValueError:
        raise argparse.ArgumentTypeError(f"chapters are numbers separated by commas, e.g. 0,2 (not {text!r})") from None
    if not chapters:
        raise argparse.ArgumentTypeError("name at least one chapter, e.g. --chapters 2")
    return chapters


def _assign(args: argparse.Namespace) -> int:
    from . import assignments

    try:
        pack, key = assignments.build_pack(args.chapters, Path(args.out), due=args.due,
                                           key_out=Path(args.key_out) if args.key_out else None)
    except assignments.ExerciseError as exc:
        print(f"csto-course assign: {exc}", file=sys.stderr)
        return 2
    print(f"student pack: {pack}")
    print(f"answer key (keep it to yourself): {key}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from . import grading

    out = Path(args.out)
    graded = grading.grade([Path(p) for p in args.submissions], out, key_dir=Path(args.exercises),
                           timeout=args.timeout, workers=args.workers, exercise=args.exercise)
    counts = {}
    for g in graded:
        counts[g.status] = counts.get(g.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(f"graded {len(graded)} submission(s) ({summary}): {out}; feedback in {grading.feedback_dir(out)}/")
    return 0


def _export(args: argparse.Namespace) -> int:
    from . import export

    default = {"gift": "questions.gift.txt", "qti": "questions-qti.zip"}[args.format]
    out = Path(args.out) if args.out else ROOT / "_build" / "questions" / default
    try:
        path, banks, questions = export.export(args.format, out, only=args.banks.split(",") if args.banks else None)
    except ValueError as exc:
        print(f"csto-course export-questions: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {questions} questions from {banks} bank(s) to {path}")
    return 0


def _bib(args: argparse.Namespace) -> int:
    from . import bibliography

    changed = bibliography.write()
    print(f"{bibliography.BIB_PATH.relative_to(ROOT)} {'rewritten' if changed else 'already up to date'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .grading import DEFAULT_TIMEOUT

    parser = argparse.ArgumentParser(prog="csto-course", description=__doc__.splitlines()[0],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("execute", help="make notebooks from their drafts and run them (a second run changes no byte)")
    run.add_argument("notebooks", nargs="*", help="notebooks to run (default: every notebook of the course)")
    run.set_defaults(func=_execute)

    st = commands.add_parser("student", help="write the student version of the exercises (no solutions)")
    st.add_argument("notebooks", nargs="*", help="exercise notebooks (default: every one in exercises/)")
    st.add_argument("--out", help="folder for the student versions (default: _build/student/exercises)")
    st.add_argument("--book", action="store_true",
                    help="also build the book without solutions into _build/student/_build/html")
    st.set_defaults(func=_student)

    asg = commands.add_parser("assign", help="an assignment pack for students, and its answer key")
    asg.add_argument("--chapters", type=_chapters, required=True, help="chapter numbers, e.g. 2,6 (0: the introduction)")
    asg.add_argument("--due", help="due date (YYYY-MM-DD, or free text) for the handout")
    asg.add_argument("--out", required=True, help="the student pack to write, e.g. week2.zip")
    asg.add_argument("--key-out", help="the answer key pack (default: <out>-key.zip)")
    asg.set_defaults(func=_assign)

    gr = commands.add_parser("grade", help="grade submitted exercise notebooks into a CSV and feedback files")
    gr.add_argument("submissions", nargs="+", help="submitted notebooks (name them <student>.ipynb or <student>/<exercise>.ipynb)")
    gr.add_argument("--out", required=True, help="the CSV to write; feedback goes to <out>-feedback/")
    gr.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help=f"seconds allowed for each whole notebook (default {DEFAULT_TIMEOUT})")
    gr.add_argument("--workers", type=int, default=None, help="notebooks graded at once (default: the number of cores)")
    gr.add_argument("--exercises", default=str(ROOT / "exercises"),
                    help="folder of the full exercise notebooks (default: exercises/; or an unpacked answer key)")
    gr.add_argument("--exercise", help="grade every submission against this exercise (e.g. 00-introduction)")
    gr.set_defaults(func=_grade)

    ex = commands.add_parser("export-questions", help="the quiz banks as GIFT (Moodle) or QTI 1.2 (Canvas)")
    ex.add_argument("--format", choices=["gift", "qti"], required=True)
    ex.add_argument("--out", help="file to write (default: _build/questions/questions.gift.txt or questions-qti.zip)")
    ex.add_argument("--banks", help="only these banks, e.g. introduction,01-after-the-collapse")
    ex.set_defaults(func=_export)

    bib = commands.add_parser("bib", help="rewrite book/references.bib from data/sources.csv")
    bib.set_defaults(func=_bib)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
