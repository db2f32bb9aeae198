"""Draw the course's ``fashion_mnist_5k.npz`` from Debian's Fashion-MNIST package.

Run once by a maintainer (``apt-get install dataset-fashion-mnist`` first); the course itself
never needs the package. The result is the file ``course_utils.data`` loads in "subset" mode
for Fashion-MNIST:

    python data/make_fashion_subset.py

The script takes 500 images of each class at random, with a fixed seed, from the 60,000
*training* images only, so the official 10,000-image test set stays unseen. The file stores
them sorted by label, like ``mnist_5k.npz``. Running it again writes a byte-identical file;
it prints the SHA-256, which must match ``data/README.md`` and ``course_utils/data.py``.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

PACKAGE = "dataset-fashion-mnist"
SOURCE_DIR = Path("/usr/share/datasets/fashion-mnist")
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
OUTPUT = Path(__file__).with_name("fashion_mnist_5k.npz")
IMAGE_SIDE = 28
NUM_CLASSES = 10
PER_CLASS = 500
SEED = 2024
IDX_UINT8 = 0x08  # the IDX format's type code for unsigned bytes


def find_package_file(name: str) -> Path:
    """Return the path of one of the package's files, or stop with the command that installs it."""
    path = SOURCE_DIR / name
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run `apt-get install {PACKAGE}` first (Debian/Ubuntu).")
    return path


def read_idx(path: Path, expected_ndim: int) -> np.ndarray:
    """Read a gzipped IDX file (LeCun's MNIST format) of unsigned bytes into a uint8 array.

    The header is two zero bytes, a type code, the number of dimensions, then each dimension
    as a big-endian uint32; the values follow in row-major order.
    """
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    zeros, type_code, ndim = raw[:2], raw[2], raw[3]
    if zeros != b"\x00\x00" or type_code != IDX_UINT8 or ndim != expected_ndim:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes with {expected_ndim} dimensions")
    header_end = 4 + 4 * ndim
    shape = tuple(int(size) for size in np.frombuffer(raw[4:header_end], dtype=">u4"))
    values = np.frombuffer(raw, dtype=np.uint8, offset=header_end)
    if values.size != np.prod(shape):
        raise ValueError(f"{path} declares shape {shape} but holds {values.size} values")
    return values.reshape(shape)


def read_training_set() -> tuple[np.ndarray, np.ndarray]:
    """Read the 60,000 training images, shape (n, 28, 28), and their labels 0..9."""
    images = read_idx(find_package_file(TRAIN_IMAGES), expected_ndim=3)
    labels = read_idx(find_package_file(TRAIN_LABELS), expected_ndim=1)
    if images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE) or len(images) != len(labels):
        raise ValueError(f"expected n images of 28x28 and n labels, found {images.shape} and {labels.shape}")
    if labels.max() >= NUM_CLASSES:
        raise ValueError(f"labels must lie in 0..{NUM_CLASSES - 1}, found {labels.max()}")
    return images, labels


def stratified_sample(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of ``per_class`` images of each class, drawn without replacement, grouped by class.

    Within a class the indices are kept in their original order, so the file depends only
    on which images were drawn.
    """
    rng = np.random.default_rng(seed)
    chosen = []
    for label in range(NUM_CLASSES):
        members = np.flatnonzero(labels == label)
        chosen.append(np.sort(rng.choice(members, size=per_class, replace=False)))
    return np.concatenate(chosen)


def main() -> None:
    images, labels = read_training_set()
    indices = stratified_sample(labels, PER_CLASS, SEED)
    subset_images, subset_labels = images[indices], labels[indices]
    counts = np.bincount(subset_labels, minlength=NUM_CLASSES)
    if not np.all(counts == PER_CLASS):
        raise ValueError(f"expected {PER_CLASS} images per class, found {counts.tolist()}")
    np.savez_compressed(OUTPUT, images=subset_images, labels=subset_labels)
    digest = hashlib.sha256(OUTPUT.read_bytes()).hexdigest()
    print(f"wrote {OUTPUT} with {len(subset_images)} images, {counts.tolist()} per class")
    print(f"sha256 {digest}")


if __name__ == "__main__":
    main()
