"""The Python package behind the course "Russia, the CSTO and Kyrgyzstan".

One module per concern: ``data`` loads the course tables, ``charts`` draws Altair
charts that work offline, ``quiz`` shows question banks, ``sphinx_ext`` wires them
into the Jupyter Book, and ``cli`` is the instructor's command line.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the package is installed editable from it)."""
