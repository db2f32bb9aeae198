"""Running the course on Google Colab: where the repository lives, badges, the install cell.

Used by every notebook: the first Markdown cell carries an "Open In Colab" badge
(``badge_markdown``) and the first code cell (``bootstrap_cell_source``) installs
``course_utils`` from GitHub with ``%pip``, on Colab only. The package ships the datasets'
subsets, so nothing else is needed: no clone, no data folder. The notebook checks use
``badge_url_in`` to compare each badge with its notebook's path; ``COLAB_METADATA`` is the
notebook metadata that asks Colab for a GPU.

Maintainers: this module is the ONE place that names the GitHub repository, the branch the
badges open and the tag Colab installs. ``REPOSITORY`` below is a placeholder until the
course has a public remote: set the real owner/name here, tag the release commit with
``INSTALL_REF`` and push the tag. The notebook checks compare every notebook's badge and
first code cell with these constants, so they fail until the notebooks are updated to match
(paste ``bootstrap_cell_source()`` and regenerate the badges with ``badge_markdown``).
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

# Placeholder owner/name: there is no public remote yet. A maintainer sets the real one here.
REPOSITORY = "why-cnns/cnn-course"
# The branch whose notebooks the badges open on Colab.
BRANCH = "main"
# The tag Colab installs course_utils from. Keep it equal to "v" + the version in pyproject.toml
# (a test checks this), and push that tag, so that Colab installs exactly the released package.
INSTALL_REF = "v0.1.0"

# Notebook metadata that makes Colab open the notebooks on a GPU runtime (a T4, Colab's free
# GPU). Copy it before merging it into a notebook (``copy.deepcopy``): it is shared.
COLAB_METADATA: dict = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_GITHUB_PREFIX = "https://colab.research.google.com/github/"

_NOTEBOOK_NAME = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")  # a lesson, notebooks/NN_name.ipynb
_COMPANION_NAME = re.compile(r"\d\d[a-z]_[a-z0-9_]+\.ipynb")  # a companion, notebooks/extras/NNb_name.ipynb
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_GIT_REF = re.compile(r"[A-Za-z0-9_./-]+")
_COLAB_URL = re.compile(re.escape(COLAB_GITHUB_PREFIX) + r"[^\s\"'()<>]+")


def badge_url(notebook_path: str | os.PathLike[str]) -> str:
    """Return the Colab URL that opens a course notebook from the GitHub repository.

    Used for the badge in every notebook's first cell. A lesson is ``notebooks/NN_name.ipynb``,
    a companion notebook ``notebooks/extras/NNb_name.ipynb``. Only the parts of the path from
    ``notebooks`` on count, so a relative and an absolute path to the same file give the same URL.

    Raises:
        ValueError: the path is neither a lesson nor a companion notebook (two digits, a letter
            for companions, an underscore, a lower-case name, in the right folder).
    """
    _check_settings()
    if not isinstance(notebook_path, (str, os.PathLike)):
        raise TypeError(f"notebook_path must be a str or path, got {type(notebook_path).__name__}")
    parts = PurePath(notebook_path).parts
    if len(parts) >= 2 and parts[-2] == "notebooks" and _NOTEBOOK_NAME.fullmatch(parts[-1]):
        relative = f"notebooks/{parts[-1]}"
    elif len(parts) >= 3 and parts[-3:-1] == ("notebooks", "extras") and _COMPANION_NAME.fullmatch(parts[-1]):
        relative = f"notebooks/extras/{parts[-1]}"
    else:
        raise ValueError(
            f"{os.fspath(notebook_path)!r} is not a course notebook path: expected "
            "notebooks/NN_name.ipynb (e.g. notebooks/01_ann_basics.ipynb) or a companion "
            "notebooks/extras/NNb_name.ipynb (e.g. notebooks/extras/05b_convolution_in_depth.ipynb)"
        )
    return f"{COLAB_GITHUB_PREFIX}{REPOSITORY}/blob/{BRANCH}/{relative}"


def badge_markdown(notebook_path: str | os.PathLike[str]) -> str:
    """Return the Markdown of the standard "Open In Colab" badge for a notebook.

    The lead Markdown cell of every notebook contains this line, so one click opens that
    very notebook on Colab.
    """
    return f"[![Open In Colab]({BADGE_IMAGE})]({badge_url(notebook_path)})"


def badge_url_in(markdown: str) -> str | None:
    """Return the first Colab URL in a Markdown cell's text, or None when there is none.

    The notebook checks compare it with ``badge_url(path)``, so a badge that was copied from
    another notebook, or that points at an old repository or branch, turns CI red. Both the
    Markdown badge and the HTML badge that Colab itself writes (``<a href="...">``) count.
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be the cell's text as a str, got {type(markdown).__name__}")
    found = _COLAB_URL.search(markdown)
    return found.group(0) if found else None


def install_url() -> str:
    """Return the pip requirement that installs ``course_utils`` from GitHub at ``INSTALL_REF``.

    ``pip install "<this>"`` works anywhere with git and internet access, without a clone: the
    package carries the datasets' subsets. The Colab cell (``bootstrap_cell_source``) runs it.
    """
    _check_settings()
    return f"git+https://github.com/{REPOSITORY}.git@{INSTALL_REF}"


def bootstrap_cell_source() -> str:
    """Return the exact source of every notebook's first code cell, which installs ``course_utils`` on Colab.

    On Colab, ``course_utils`` is not installed when the notebook opens, so this cell cannot
    import it: it is self-contained, with ``install_url()`` written into it. It runs
    ``%pip install`` of the repository at the pinned tag ``INSTALL_REF`` only when the
    IPython shell is Colab's (``google.colab`` in its name); in Jupyter, VS Code or under
    nbval it does nothing and prints nothing. It is a normal install: the course's
    dependencies are lower bounds (``tensorflow>=2.16``, ``keras>=3.0``), so pip keeps the
    newer TensorFlow and Keras that Colab ships. ``%pip`` does not raise when pip fails: pip's
    message stays in this cell's output, and the next cell's ``import course_utils`` fails.

    The source is three lines with no trailing newline, like a notebook cell's. ``%pip`` is
    IPython syntax, which ruff accepts in notebooks.
    """
    return (
        "# Colab only: install course_utils, the course's helper package (elsewhere this cell does nothing).\n"
        'if "google.colab" in str(get_ipython()):\n'
        f"    %pip install -q {install_url()}"
    )


def _check_settings() -> None:
    """Fail with a message a maintainer can act on when a constant above is mistyped."""
    if not _REPOSITORY.fullmatch(REPOSITORY):
        raise ValueError(f"REPOSITORY must look like 'owner/name', got {REPOSITORY!r}")
    for name, value in (("BRANCH", BRANCH), ("INSTALL_REF", INSTALL_REF)):
        if not _GIT_REF.fullmatch(value):
            raise ValueError(f"{name} must be a branch or tag name such as 'main' or 'v0.1.0', got {value!r}")
