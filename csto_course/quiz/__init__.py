"""Quizzes that work in live Jupyter, in the static book and under nbval.

    from csto_course.quiz import show_quiz
    show_quiz("introduction")          # data/quizzes/introduction.yml

The object returned offers three outputs: the live ipywidgets view (JupyterLab
shows it), a static HTML form that ``static/quiz.js`` makes interactive in the
book (the book prefers ``text/html``), and plain text. The HTML and text are
deterministic, so strict nbval compares them run after run; nbval ignores the
widget view and its random model id.
"""

from __future__ import annotations

from pathlib import Path

from .bank import Bank, QuizError, load_all, load_bank
from .grading import Result, grade
from .html import render_bank

__all__ = ["show_quiz", "load_bank", "load_all", "grade", "QuizError", "Result", "Bank", "QuizDisplay"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class QuizDisplay:
    def __init__(self, bank: Bank):
        self.bank = bank
        self._widget = None

    @property
    def widget(self):
        """The ipywidgets quiz, built on first use (creating widgets needs ipywidgets only)."""
        if self._widget is None:
            from .widget import QuizWidget

            self._widget = QuizWidget(self.bank)
        return self._widget

    def __repr__(self) -> str:
        n = len(self.bank.questions)
        return f"Quiz: {self.bank.title} ({n} question{'s' if n != 1 else ''})"

    def _repr_html_(self) -> str:
        return render_bank(self.bank)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": repr(self),
            "text/html": render_bank(self.bank),
            WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": self.widget.box.model_id},
        }


def show_quiz(bank: str | Path, *, bank_dir: str | Path | None = None) -> QuizDisplay:
    """Load, validate and display a bank (an id such as "introduction", or a path)."""
    return QuizDisplay(load_bank(bank, bank_dir=bank_dir))
