"""MNIST for the course: the full dataset when it can be had, a shipped subset otherwise.

Introduced in notebook 01. ``load_mnist`` returns exactly what
``keras.datasets.mnist.load_data()`` returns (uint8 images of shape (n, 28, 28), uint8
labels), so every notebook reads the same whether it runs offline in CI on the 5,000-digit
subset or on Colab with all 70,000 digits.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

VALID_SOURCES = ("auto", "subset", "full")
ENVIRONMENT_VARIABLE = "COURSE_DATA"
# The default source of each profile (see course_utils.setup.current_profile): the CPU/CI
# profile stays on the shipped subset, the GPU/Colab profile takes full MNIST when it can.
PROFILE_SOURCES = {"fast": "subset", "full": "auto"}

DATA_DIR_VARIABLE = "COURSE_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SUBSET_FILE_NAME = "mnist_5k.npz"
SUBSET_SHA256 = "246e0c30eeea57c8d0037d3f38c8e00651ec204cc61b8022563e9aeeb9d756f4"
SUBSET_TEST_PER_CLASS = 100
SPLIT_SEED = 2024

MnistSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _profile() -> str:
    """The current profile; imported here at call time because ``course_utils.setup`` imports this module."""
    from course_utils.setup import current_profile

    return current_profile()


def resolve_source(source: str | None = None) -> str:
    """Return the data source to use: ``$COURSE_DATA`` if set, else ``source``, else the profile's.

    The environment variable wins so that CI can pin "subset" and a student can switch
    every notebook to "full" without editing them. Without either, the profile decides
    (issue 6): "subset" under "fast" (CPU, CI), "auto" under "full" (GPU, Colab).
    """
    chosen = os.environ.get(ENVIRONMENT_VARIABLE) or source or PROFILE_SOURCES[_profile()]
    chosen = chosen.strip().lower()
    if chosen not in VALID_SOURCES:
        origin = f"${ENVIRONMENT_VARIABLE}" if os.environ.get(ENVIRONMENT_VARIABLE) else "source"
        raise ValueError(f"unknown MNIST {origin} {chosen!r}; valid sources are {', '.join(VALID_SOURCES)}")
    return chosen


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_dir() -> Path:
    """Return the folder that holds ``mnist_5k.npz``: ``$COURSE_DATA_DIR``, else the repository's ``data/``.

    Read at every call, not at import, so that the Colab bootstrap cell (issue 6) can set the
    variable before the first load. It is needed wherever course_utils was pip-installed
    without ``-e``: the installed package does not contain ``data/``.
    """
    chosen = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if not chosen:
        if not DEFAULT_DATA_DIR.is_dir():
            raise FileNotFoundError(
                f"there is no data folder {DEFAULT_DATA_DIR}: course_utils was installed without the course "
                f"repository. Set ${DATA_DIR_VARIABLE} to the data/ folder of a clone of the repository "
                "(on Colab, run the notebook's first code cell, which does this)."
            )
        return DEFAULT_DATA_DIR
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"${DATA_DIR_VARIABLE} is {chosen!r}, which is not a folder. Set it to the course repository's "
            f"data/ folder (the one holding {SUBSET_FILE_NAME}), or unset it to use {DEFAULT_DATA_DIR}."
        )
    return folder


def subset_file() -> Path:
    """Return the path of the shipped subset, ``data_dir() / "mnist_5k.npz"``."""
    return data_dir() / SUBSET_FILE_NAME


def read_subset_file(path: Path | None = None, expected_sha256: str = SUBSET_SHA256) -> tuple[np.ndarray, np.ndarray]:
    """Read the shipped 5,000-digit file (default: ``subset_file()``) after checking its SHA-256.

    A corrupted or replaced file would silently change every result in the course, so a
    mismatch is an error that says how to get the original back.
    """
    from_environment = path is None and bool(os.environ.get(DATA_DIR_VARIABLE, "").strip())
    if path is None:
        path = subset_file()
    if not path.is_file():
        if from_environment:
            fix = f"${DATA_DIR_VARIABLE} points at {path.parent}: set it to the course repository's data/ folder"
        else:
            fix = "Restore it with `git checkout -- data/mnist_5k.npz` in the course repository"
        raise FileNotFoundError(
            f"the MNIST subset {path} is missing. {fix}, or use load_mnist('full') on a machine with internet access."
        )
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise OSError(
            f"the MNIST subset {path} is corrupted or was modified: its SHA-256 is {actual}, "
            f"expected {expected_sha256}. Restore it with `git checkout -- data/mnist_5k.npz`, "
            "or re-create it with `python data/make_mnist_subset.py` (see data/README.md)."
        )
    with np.load(path) as archive:
        return archive["images"], archive["labels"]


def stratified_split(images: np.ndarray, labels: np.ndarray, test_per_class: int, seed: int) -> MnistSplits:
    """Split into train and test with ``test_per_class`` digits of each class in the test set.

    Both parts are shuffled with a fixed seed, so the split is the same on every machine.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    rng = np.random.default_rng(seed)
    test_indices = []
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        if len(members) <= test_per_class:
            raise ValueError(f"class {digit} has {len(members)} images, too few for {test_per_class} test images")
        test_indices.append(rng.choice(members, size=test_per_class, replace=False))
    test = rng.permutation(np.concatenate(test_indices))
    train = rng.permutation(np.setdiff1d(np.arange(len(labels)), test))
    return (images[train], labels[train]), (images[test], labels[test])


def load_subset() -> MnistSplits:
    """The shipped subset: 4,000 training and 1,000 test digits, 100 test digits per class."""
    images, labels = read_subset_file()
    return stratified_split(images, labels, SUBSET_TEST_PER_CLASS, SPLIT_SEED)


def keras_mnist_cache() -> Path:
    """Where Keras keeps ``mnist.npz`` once downloaded (``$KERAS_HOME`` or ``~/.keras``)."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return Path(keras_home) / "datasets" / "mnist.npz"


def load_full() -> MnistSplits:
    """All 70,000 digits through Keras's own loader, which downloads once and then caches."""
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # the loader raises different types for DNS, HTTP and SSL failures
        raise ConnectionError(
            f"could not download full MNIST ({type(error).__name__}: {error}). "
            "Without internet access use load_mnist('subset') or set COURSE_DATA=subset."
        ) from error


def load_mnist(source: str | None = None, *, verbose: bool = True) -> MnistSplits:
    """Load MNIST as ``((x_train, y_train), (x_test, y_test))``, like Keras does.

    Introduced in notebook 01.

    Args:
        source: "subset" for the 5,000 digits shipped in ``data/`` (4,000 train / 1,000
            test), "full" for all 70,000 digits via ``keras.datasets.mnist``, or "auto"
            for full MNIST when it is cached or downloadable and the subset otherwise.
            The environment variable ``COURSE_DATA`` overrides this argument; without
            either, the profile decides: "subset" under "fast", "auto" under "full"
            (see ``course_utils.setup.current_profile``).
        verbose: print one line naming the data that was loaded.
    """
    chosen = resolve_source(source)
    if chosen == "subset":
        splits, description = load_subset(), "the shipped MNIST subset"
    elif chosen == "full":
        splits, description = load_full(), "full MNIST"
    else:
        splits, description = load_auto()
    if verbose:
        (x_train, _), (x_test, _) = splits
        print(f"Data: {description}, {len(x_train):,} training and {len(x_test):,} test images")
    return splits


def load_auto() -> tuple[MnistSplits, str]:
    """Full MNIST if it is cached or can be fetched, else the subset (and say which)."""
    try:
        return load_full(), "full MNIST"
    except ConnectionError:
        if keras_mnist_cache().exists():
            raise  # a cached file that fails to load is a real problem, not a missing network
        return load_subset(), "the shipped MNIST subset (full MNIST could not be downloaded)"
