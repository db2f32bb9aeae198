"""What the course's command-line tools share: where the notebooks are, and which to use.

tools/ is not a package; each tool puts this folder on ``sys.path`` to import this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"


def find_notebooks(requested: list[Path]) -> list[Path] | None:
    """The notebooks named on the command line, or all course notebooks if none are named.

    Prints which are missing and returns None when a named notebook does not exist, so a
    tool can stop with exit code 2 instead of failing halfway through.
    """
    paths = requested or sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return None
    return paths
