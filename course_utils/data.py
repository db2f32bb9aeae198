"""MNIST and Fashion-MNIST for the course: the full datasets when they can be had, shipped subsets otherwise.

Introduced in notebook 01 (``load_mnist``). Fashion-MNIST, ten kinds of clothing in the same
28x28 grey-scale format, is the harder second dataset on which the capstone's companions
(notebooks/extras/10b and 10c) check that the findings are not peculiar to digits:
``load_dataset("fashion_mnist")``.

Both loaders return exactly what ``keras.datasets.mnist.load_data()`` returns, i.e.
``((x_train, y_train), (x_test, y_test))`` with uint8 images of shape (n, 28, 28) and uint8
labels 0..9, so every notebook reads the same whether it runs offline on a 5,000-image subset
or on Colab with all 70,000 images. The subsets live in the repository's ``data/`` folder,
which ``pyproject.toml`` installs as the package ``course_utils.datasets``: they are found
with ``importlib.resources`` in an editable install, a wheel or a ``pip install`` from GitHub.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from course_utils.arithmetic import check_positive_int
from course_utils.profile import default_source

VALID_SOURCES = ("auto", "subset", "full")
SOURCE_VARIABLE = "COURSE_DATA"
DATA_PACKAGE = "course_utils.datasets"  # the repository's data/ folder, once installed
SUBSET_TEST_PER_CLASS = 100
SPLIT_SEED = 2024

FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Dataset:
    """What the course knows about one dataset: its shipped subset and how Keras loads it in full.

    ``name`` is both the name ``load_dataset`` takes and the module in ``keras.datasets``
    that downloads the full dataset; ``keras_cache_files`` are the files that download
    leaves under ``~/.keras/datasets`` (or ``$KERAS_HOME/datasets``).
    """

    name: str
    title: str
    class_names: tuple[str, ...]
    subset_file: str
    subset_sha256: str
    subset_script: str
    keras_cache_files: tuple[str, ...]


MNIST = Dataset(
    name="mnist",
    title="MNIST",
    class_names=tuple(str(digit) for digit in range(10)),
    subset_file="mnist_5k.npz",
    subset_sha256="246e0c30eeea57c8d0037d3f38c8e00651ec204cc61b8022563e9aeeb9d756f4",
    subset_script="make_mnist_subset.py",
    keras_cache_files=("mnist.npz",),
)
FASHION_MNIST = Dataset(
    name="fashion_mnist",
    title="Fashion-MNIST",
    class_names=FASHION_MNIST_CLASS_NAMES,
    subset_file="fashion_mnist_5k.npz",
    subset_sha256="6a1915db7ae8655e1a620ff71f0a1c5ea562a863596dfd235d5b53c77785dbb1",
    subset_script="make_fashion_subset.py",
    keras_cache_files=tuple(
        f"fashion-mnist/{part}-{kind}-idx{dims}-ubyte.gz"
        for part in ("train", "t10k")
        for kind, dims in (("labels", 1), ("images", 3))
    ),
)
DATASETS = {dataset.name: dataset for dataset in (MNIST, FASHION_MNIST)}


def check_dataset(name: str) -> Dataset:
    """Return the dataset called ``name`` ("mnist" or "fashion_mnist"), or say which names exist."""
    if not isinstance(name, str):
        raise TypeError(f"the dataset name must be a str such as 'mnist', got {type(name).__name__}")
    chosen = name.strip().lower()
    if chosen not in DATASETS:
        message = f"unknown dataset {name!r}; valid datasets are {', '.join(DATASETS)}"
        if chosen in VALID_SOURCES:
            message += f" ({name!r} is a data source, the second argument: load_dataset('mnist', {name!r}))"
        raise ValueError(message)
    return DATASETS[chosen]


def check_source(source: str, origin: str = "source") -> str:
    """Return ``source`` in lower case if it is "auto", "subset" or "full"; ``origin`` names it in errors."""
    if not isinstance(source, str):
        raise TypeError(f"the data {origin} must be a str such as 'subset', got {type(source).__name__}")
    chosen = source.strip().lower()
    if chosen not in VALID_SOURCES:
        raise ValueError(f"unknown data {origin} {source!r}; valid sources are {', '.join(VALID_SOURCES)}")
    return chosen


def resolve_source(source: str | None = None) -> str:
    """Return the data source to use: ``$COURSE_DATA`` if set, else ``source``, else the profile's.

    The environment variable wins so that CI can pin "subset" and a student can switch every
    notebook to "full" without editing them. An explicit ``source`` is checked all the same, so
    a typo in a notebook fails wherever it runs. Without either, the profile decides: "subset"
    under "fast" (CPU, CI), "auto" under "full" (GPU, Colab); see ``course_utils.profile``.
    """
    if source is not None:
        source = check_source(source)
    from_environment = os.environ.get(SOURCE_VARIABLE, "").strip()
    if from_environment:
        return check_source(from_environment, origin=f"${SOURCE_VARIABLE}")
    return source or default_source()


def subset_file(dataset: Dataset) -> Path:
    """Return the path of a dataset's shipped subset inside the installed ``course_utils``.

    In an editable install (``pip install -e .``) this is the repository's ``data/`` folder;
    after a normal install it is ``course_utils/datasets/`` in site-packages.
    """
    try:
        folder = resources.files(DATA_PACKAGE)
    except ModuleNotFoundError as error:
        raise FileNotFoundError(
            f"{DATA_PACKAGE}, the course's data, is not installed. Install course_utils again: "
            "`pip install -e .` in the course repository, or `pip install` it from GitHub."
        ) from error
    return Path(str(folder / dataset.subset_file))


def read_subset_file(dataset: Dataset, path: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read a dataset's shipped 5,000-image file (default: ``subset_file``) after checking its SHA-256.

    A corrupted or replaced file would silently change every result in the course, so a
    mismatch is an error that says how to get the original back.
    """
    path = subset_file(dataset) if path is None else path
    restore = (
        f"Restore it with `git checkout -- data/{dataset.subset_file}` in the course repository, "
        "or install course_utils again"
    )
    if not path.is_file():
        raise FileNotFoundError(
            f"the {dataset.title} subset {path} is missing. {restore}, "
            "or use the source 'full' on a machine with internet access."
        )
    content = path.read_bytes()
    actual = hashlib.sha256(content).hexdigest()
    if actual != dataset.subset_sha256:
        raise OSError(
            f"the {dataset.title} subset {path} is corrupted or was modified: its SHA-256 is {actual}, "
            f"expected {dataset.subset_sha256}. {restore}, or re-create it with "
            f"`python data/{dataset.subset_script}` (see data/README.md)."
        )
    with np.load(io.BytesIO(content)) as archive:
        return archive["images"], archive["labels"]


def stratified_split(images: np.ndarray, labels: np.ndarray, test_per_class: int, seed: int) -> Splits:
    """Split into train and test with ``test_per_class`` images of each class in the test set.

    Both parts are shuffled with a fixed seed, so the split is the same on every machine.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    rng = np.random.default_rng(seed)
    test_indices = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) <= test_per_class:
            raise ValueError(f"class {label} has {len(members)} images, too few for {test_per_class} test images")
        test_indices.append(rng.choice(members, size=test_per_class, replace=False))
    test = rng.permutation(np.concatenate(test_indices))
    train = rng.permutation(np.setdiff1d(np.arange(len(labels)), test))
    return (images[train], labels[train]), (images[test], labels[test])


def load_subset(dataset: Dataset) -> Splits:
    """The shipped subset: 4,000 training and 1,000 test images, 100 test images per class."""
    images, labels = read_subset_file(dataset)
    return stratified_split(images, labels, SUBSET_TEST_PER_CLASS, SPLIT_SEED)


def keras_cache_complete(dataset: Dataset) -> bool:
    """Whether Keras has every file of the full dataset in its cache (``$KERAS_HOME`` or ``~/.keras``)."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return all((Path(keras_home) / "datasets" / name).exists() for name in dataset.keras_cache_files)


def load_full(dataset: Dataset) -> Splits:
    """The full dataset (70,000 images) through Keras's own loader, which downloads once and then caches."""
    from course_utils._quiet import import_backend_quietly

    import_backend_quietly()
    import keras

    try:
        return getattr(keras.datasets, dataset.name).load_data()
    except Exception as error:  # the loader raises different types for DNS, HTTP and SSL failures
        if os.environ.get(SOURCE_VARIABLE, "").strip():
            fix = f"set ${SOURCE_VARIABLE} to 'subset' (it overrides the source a notebook passes)"
        else:
            fix = f"pass the source 'subset', e.g. load_dataset({dataset.name!r}, 'subset')"
        raise ConnectionError(
            f"could not download full {dataset.title} ({type(error).__name__}: {error}). "
            f"Without internet access use the shipped subset: {fix}."
        ) from error


def load_auto(dataset: Dataset) -> tuple[Splits, str]:
    """The full dataset if it is cached or can be fetched, else the subset; returns the data and what it is."""
    try:
        return load_full(dataset), f"full {dataset.title}"
    except ConnectionError:
        if keras_cache_complete(dataset):
            raise  # a cached dataset that fails to load is a real problem, not a missing network
        description = f"the shipped {dataset.title} subset (full {dataset.title} could not be downloaded)"
        return load_subset(dataset), description


def load_dataset(name: str, source: str | None = None, *, verbose: bool = True) -> Splits:
    """Load a dataset as ``((x_train, y_train), (x_test, y_test))``, like Keras does.

    Introduced for Fashion-MNIST in the capstone's companions (notebooks/extras/10b and 10c);
    ``load_mnist`` is the same for MNIST.

    Args:
        name: "mnist" (handwritten digits) or "fashion_mnist" (clothing; the class names are
            ``FASHION_MNIST_CLASS_NAMES``).
        source: "subset" for the 5,000 images shipped in ``data/`` (4,000 train / 1,000 test,
            100 test images per class), "full" for all 70,000 via ``keras.datasets``, or
            "auto" for the full dataset when it is cached or downloadable and the subset
            otherwise. The environment variable ``COURSE_DATA`` overrides this argument;
            without either, the profile decides: "subset" under "fast", "auto" under "full"
            (see ``course_utils.profile``). An invalid value is a ValueError either way.
        verbose: print one line naming the data that was loaded.
    """
    dataset = check_dataset(name)
    chosen = resolve_source(source)
    if chosen == "subset":
        splits, description = load_subset(dataset), f"the shipped {dataset.title} subset"
    elif chosen == "full":
        splits, description = load_full(dataset), f"full {dataset.title}"
    else:
        splits, description = load_auto(dataset)
    if verbose:
        (x_train, _), (x_test, _) = splits
        print(f"Data: {description}, {len(x_train):,} training and {len(x_test):,} test images")
    return splits


def load_mnist(source: str | None = None, *, verbose: bool = True) -> Splits:
    """Load MNIST as ``((x_train, y_train), (x_test, y_test))``, like ``keras.datasets.mnist.load_data()``.

    Introduced in notebook 01; the same as ``load_dataset("mnist", source)``, see there for
    ``source`` ("subset", "full" or "auto"; ``COURSE_DATA`` overrides it) and ``verbose``.
    """
    return load_dataset("mnist", source, verbose=verbose)


def shuffled_passes(size: int, count: int, seed: int) -> np.ndarray:
    """``count`` indices into ``size`` training examples: all of them in a new random order, pass after pass.

    ``model.fit(images[order], labels[order], epochs=1, shuffle=False)`` with
    ``order = shuffled_passes(len(images), passes * len(images), seed)`` trains like ``passes``
    epochs (each pass a new order; only a batch that straddles two passes differs), but pays
    Keras's start-up cost of an epoch once instead of once per pass. On a few dozen images
    that start-up costs more than the epoch's training, so notebook 09 (transfer learning on
    50 digits) and companions 08b and 10c train small sets this way.
    """
    size, count = check_positive_int("size", size), check_positive_int("count", count)
    rng = np.random.default_rng(seed)
    passes = [rng.permutation(size) for _ in range(-(-count // size))]
    return np.concatenate(passes)[:count]
