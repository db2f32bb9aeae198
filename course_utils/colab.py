"""Running the course on Google Colab: where the repository lives, badges, the bootstrap cell.

Introduced for issue 6 ("Colab") and used by every notebook: the first Markdown cell carries
an "Open In Colab" badge (``badge_markdown``) and the first code cell is the bootstrap
(``bootstrap_cell_source``) that, on Colab only, clones the repository and installs
``course_utils`` from it. The notebook checks use ``badge_url_in`` to compare each badge with
its notebook's path; ``COLAB_METADATA`` is the notebook metadata that asks Colab for a GPU.

Maintainers: this module is the ONE place that names the GitHub repository and branch.
``REPOSITORY`` below is a placeholder until the course has a public remote: set the real
owner/name, tag the release commit with ``INSTALL_REF`` and push the tag. The notebook checks
compare every notebook's badge and bootstrap cell with these constants, so they fail until
the notebooks are updated to match.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath
from string import Template

# Placeholder owner/name: there is no public remote yet. A maintainer sets the real one here.
REPOSITORY = "why-cnns/cnn-course"
# The branch whose notebooks the badges open on Colab.
BRANCH = "main"
# The tag (or branch) Colab clones and installs. `git clone --branch` accepts tags and branches
# but not commit hashes. Keep it equal to "v" + the version in pyproject.toml (a test checks
# this), and push that tag, so that Colab installs exactly the released course_utils.
INSTALL_REF = "v0.1.0"
# Where the bootstrap cell clones the repository on Colab; its data/ becomes COURSE_DATA_DIR.
CLONE_DIR = "/content/cnn-course"

# Notebook metadata that makes Colab open the notebooks on a GPU runtime (a T4, Colab's free
# GPU). Copy it before merging it into a notebook (``copy.deepcopy``): it is shared.
COLAB_METADATA: dict = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_GITHUB_PREFIX = "https://colab.research.google.com/github/"

_NOTEBOOK_NAME = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_GIT_REF = re.compile(r"[A-Za-z0-9_./-]+")
_COMMIT_HASH = re.compile(r"[0-9a-f]{7,40}")
_COLAB_URL = re.compile(re.escape(COLAB_GITHUB_PREFIX) + r"[^\s\"'()<>]+")

_BOOTSTRAP = Template(
    """\
# Colab only: fetch the course from GitHub and install course_utils. Elsewhere this cell does nothing.
import os
import subprocess
import sys

if "google.colab" in sys.modules:
    repo, ref, course_dir = "$repository", "$ref", "$clone_dir"
    if os.path.isdir(course_dir):
        origin = f"the existing clone {course_dir}"
    else:
        url = f"https://github.com/{repo}.git"
        git = ["git", "-c", "advice.detachedHead=false"]  # a tag is checked out detached; that is fine
        subprocess.run([*git, "clone", "-q", "--depth", "1", "--branch", ref, url, course_dir], check=True)
        origin = f"{repo} at {ref}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", course_dir], check=True)
    os.environ["COURSE_DATA_DIR"] = f"{course_dir}/data"
    print(f"Colab: installed course_utils from {origin}; data in {course_dir}/data")"""
)


def badge_url(notebook_path: str | os.PathLike[str]) -> str:
    """Return the Colab URL that opens ``notebooks/NN_name.ipynb`` from the GitHub repository.

    Used for the badge in every notebook's first cell (issue 6). Only the last two parts of
    the path count, so ``notebooks/01_ann_basics.ipynb`` and an absolute path to the same
    file give the same URL.

    Raises:
        ValueError: the path is not a course notebook, i.e. not ``notebooks/NN_name.ipynb``
            with a two-digit number and a lower-case name.
    """
    _check_settings()
    if not isinstance(notebook_path, (str, os.PathLike)):
        raise TypeError(f"notebook_path must be a str or path, got {type(notebook_path).__name__}")
    parts = PurePath(notebook_path).parts
    if len(parts) < 2 or parts[-2] != "notebooks" or not _NOTEBOOK_NAME.fullmatch(parts[-1]):
        raise ValueError(
            f"{os.fspath(notebook_path)!r} is not a course notebook path: expected "
            "notebooks/NN_name.ipynb, e.g. notebooks/01_ann_basics.ipynb (two digits, an underscore, "
            "a lower-case name, inside the notebooks/ folder)"
        )
    return f"{COLAB_GITHUB_PREFIX}{REPOSITORY}/blob/{BRANCH}/notebooks/{parts[-1]}"


def badge_markdown(notebook_path: str | os.PathLike[str]) -> str:
    """Return the Markdown of the standard "Open In Colab" badge for a notebook (issue 6).

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


def bootstrap_cell_source() -> str:
    """Return the exact source of every notebook's first code cell, the Colab bootstrap.

    On Colab, ``course_utils`` is not installed when the first cell runs, so this cell cannot
    import it: it is self-contained, with the repository, ``INSTALL_REF`` and ``CLONE_DIR``
    written into it. Outside Colab (``google.colab`` not imported) it does nothing and prints
    nothing, so local runs and nbval are unaffected. On Colab it

    1. clones ``INSTALL_REF`` of ``REPOSITORY`` into ``CLONE_DIR`` unless that folder exists
       (quietly: git's advice about the detached HEAD of a tag checkout is switched off),
    2. runs ``pip install -q CLONE_DIR`` in the kernel's own Python. It is a normal install:
       the course's dependencies are lower bounds (``tensorflow>=2.16``, ``keras>=3.0``), so
       pip keeps the newer TensorFlow and Keras that Colab ships (no ``--upgrade``),
    3. sets ``COURSE_DATA_DIR`` to the clone's ``data/`` folder, since a pip-installed package
       does not contain the shipped MNIST subset, and
    4. prints one line saying what it did.

    Commands run through ``subprocess.run(..., check=True)``, so a failed clone or install
    stops the notebook with an error instead of failing later on ``import course_utils``.
    The text has no trailing newline, like a notebook cell's source.
    """
    _check_settings()
    return _BOOTSTRAP.substitute(repository=REPOSITORY, ref=INSTALL_REF, clone_dir=CLONE_DIR)


def _check_settings() -> None:
    """Fail with a message a maintainer can act on when a constant above is mistyped."""
    if not _REPOSITORY.fullmatch(REPOSITORY):
        raise ValueError(f"REPOSITORY must look like 'owner/name', got {REPOSITORY!r}")
    if not _GIT_REF.fullmatch(BRANCH):
        raise ValueError(f"BRANCH must be a branch or tag name such as 'main', got {BRANCH!r}")
    if not _GIT_REF.fullmatch(INSTALL_REF) or _COMMIT_HASH.fullmatch(INSTALL_REF):
        raise ValueError(
            f"INSTALL_REF must be a tag or branch name such as 'v0.1.0', got {INSTALL_REF!r} "
            "(git clone --branch does not accept commit hashes: tag the commit instead)"
        )
    if not CLONE_DIR.startswith("/") or '"' in CLONE_DIR:
        raise ValueError(f"CLONE_DIR must be an absolute path without quotes, got {CLONE_DIR!r}")
