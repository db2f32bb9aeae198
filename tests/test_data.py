import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

REPO = Path(__file__).resolve().parents[1]
DATASET_NAMES = list(data.DATASETS)


@pytest.fixture(autouse=True)
def no_course_variables(monkeypatch):
    """Every test starts without $COURSE_DATA and $COURSE_PROFILE; tests that need them set them."""
    monkeypatch.delenv("COURSE_DATA", raising=False)
    monkeypatch.delenv("COURSE_PROFILE", raising=False)


@pytest.fixture(params=DATASET_NAMES)
def dataset(request):
    return data.DATASETS[request.param]


def shipped_arrays(dataset):
    with np.load(REPO / "data" / dataset.subset_file) as archive:
        return archive["images"], archive["labels"]


def test_mnist_subset_has_keras_layout_and_stratified_split(capsys):
    (x_train, y_train), (x_test, y_test) = data.load_mnist("subset")
    assert x_train.shape == (4_000, 28, 28) and x_test.shape == (1_000, 28, 28)
    assert y_train.shape == (4_000,) and y_test.shape == (1_000,)
    assert {x_train.dtype, x_test.dtype, y_train.dtype, y_test.dtype} == {np.dtype(np.uint8)}
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10
    assert x_train.max() == 255 and x_train.min() == 0
    assert capsys.readouterr().out == "Data: the shipped MNIST subset, 4,000 training and 1,000 test images\n"


def test_fashion_mnist_subset_has_the_same_layout(capsys):
    (x_train, y_train), (x_test, y_test) = data.load_dataset("fashion_mnist", "subset")
    assert x_train.shape == (4_000, 28, 28) and x_test.shape == (1_000, 28, 28)
    assert {x_train.dtype, x_test.dtype, y_train.dtype, y_test.dtype} == {np.dtype(np.uint8)}
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10
    assert capsys.readouterr().out == "Data: the shipped Fashion-MNIST subset, 4,000 training and 1,000 test images\n"


def test_split_holds_every_shipped_image_once_shuffled_and_deterministic(dataset):
    (x_train, y_train), (x_test, y_test) = data.load_dataset(dataset.name, "subset", verbose=False)
    (x_train_again, y_train_again), _ = data.load_dataset(dataset.name, "subset", verbose=False)
    np.testing.assert_array_equal(x_train, x_train_again)
    np.testing.assert_array_equal(y_train, y_train_again)
    assert len(np.unique(y_train[:20])) > 3  # shuffled, not sorted by class
    images, labels = shipped_arrays(dataset)
    shipped = sorted(zip((image.tobytes() for image in images), labels.tolist(), strict=True))
    loaded = zip(
        (image.tobytes() for image in np.concatenate([x_train, x_test])),
        np.concatenate([y_train, y_test]).tolist(),
        strict=True,
    )
    assert sorted(loaded) == shipped


def test_load_mnist_is_load_dataset_of_mnist():
    (x_train, y_train), (x_test, y_test) = data.load_mnist("subset", verbose=False)
    (x_train_2, y_train_2), (x_test_2, y_test_2) = data.load_dataset("mnist", "subset", verbose=False)
    for first, second in ((x_train, x_train_2), (y_train, y_train_2), (x_test, x_test_2), (y_test, y_test_2)):
        np.testing.assert_array_equal(first, second)


def test_the_two_datasets_are_different_images():
    (mnist, _), _ = data.load_dataset("mnist", "subset", verbose=False)
    (fashion, _), _ = data.load_dataset("fashion_mnist", "subset", verbose=False)
    assert mnist.shape == fashion.shape and not np.array_equal(mnist, fashion)


def test_class_names():
    assert data.DATASETS["mnist"].class_names == tuple("0123456789")
    assert data.FASHION_MNIST_CLASS_NAMES[0] == "T-shirt/top" and data.FASHION_MNIST_CLASS_NAMES[9] == "Ankle boot"
    assert data.DATASETS["fashion_mnist"].class_names == data.FASHION_MNIST_CLASS_NAMES
    assert len(set(data.FASHION_MNIST_CLASS_NAMES)) == 10


def test_subsets_come_from_the_repository_data_folder_with_the_recorded_checksums(dataset):
    path = data.subset_file(dataset)
    assert path == REPO / "data" / dataset.subset_file, (
        "the tests run against the editable install: run `pip install -e .` in the repository"
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == dataset.subset_sha256


def test_checksums_are_the_ones_in_the_data_readme(dataset):
    readme = (REPO / "data" / "README.md").read_text()
    assert f"`{dataset.subset_sha256}`" in readme


def test_corrupted_subset_names_the_file_and_the_fix(dataset, tmp_path):
    copy = tmp_path / dataset.subset_file
    raw = bytearray(data.subset_file(dataset).read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    expected = (
        rf"the {dataset.title} subset .*{re.escape(dataset.subset_file)} is corrupted.*"
        rf"git checkout -- data/{re.escape(dataset.subset_file)}.*python data/{dataset.subset_script}"
    )
    with pytest.raises(OSError, match=expected):
        data.read_subset_file(dataset, copy)


def test_missing_subset_says_how_to_restore(dataset, tmp_path):
    restore = re.escape(f"is missing. Restore it with `git checkout -- data/{dataset.subset_file}`")
    with pytest.raises(FileNotFoundError, match=restore):
        data.read_subset_file(dataset, tmp_path / "absent.npz")


def test_data_package_that_is_not_installed_is_reported(monkeypatch):
    monkeypatch.setattr(data, "DATA_PACKAGE", "course_utils.not_installed")
    with pytest.raises(FileNotFoundError, match=r"course_utils\.not_installed, the course's data, is not installed"):
        data.load_mnist("subset")


def test_unknown_source_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown data source 'mnist'; valid sources are auto, subset, full"):
        data.load_mnist("mnist")


def test_unknown_dataset_lists_valid_ones():
    with pytest.raises(ValueError, match=r"unknown dataset 'cifar10'; valid datasets are mnist, fashion_mnist$"):
        data.load_dataset("cifar10", "subset")
    with pytest.raises(ValueError, match=r"'subset' is a data source, the second argument: load_dataset\('mnist', "):
        data.load_dataset("subset")


def test_names_that_are_not_strings_are_rejected(monkeypatch):
    monkeypatch.setenv("COURSE_DATA", "subset")
    with pytest.raises(TypeError, match="the data source must be a str such as 'subset', got int"):
        data.load_mnist(1)
    with pytest.raises(TypeError, match="the dataset name must be a str such as 'mnist', got NoneType"):
        data.load_dataset(None)


def test_valid_names_ignore_case_and_spaces():
    (x_train, _), _ = data.load_dataset(" Fashion_MNIST ", " Subset", verbose=False)
    assert len(x_train) == 4_000


def test_environment_variable_overrides_a_valid_argument(monkeypatch):
    monkeypatch.setenv("COURSE_DATA", "subset")
    assert data.resolve_source("full") == "subset"
    (x_train, _), _ = data.load_dataset("fashion_mnist", "full", verbose=False)
    assert len(x_train) == 4_000


@pytest.mark.parametrize("bad", ["nonsense", "mnist", ""])
def test_invalid_argument_is_rejected_even_when_the_environment_overrides_it(monkeypatch, bad):
    monkeypatch.setenv("COURSE_DATA", "subset")
    with pytest.raises(ValueError, match=f"unknown data source {bad!r}"):
        data.load_mnist(bad)
    with pytest.raises(ValueError, match=f"unknown data source {bad!r}"):
        data.load_dataset("fashion_mnist", bad)
    with pytest.raises(ValueError, match="unknown dataset 'digits'"):
        data.load_dataset("digits", "subset")


def test_invalid_environment_variable_is_rejected_even_with_a_valid_argument(monkeypatch):
    monkeypatch.setenv("COURSE_DATA", "Everything")
    message = r"unknown data \$COURSE_DATA 'Everything'; valid sources are auto, subset, full"
    with pytest.raises(ValueError, match=message):
        data.load_mnist("subset")
    with pytest.raises(ValueError, match=r"unknown data \$COURSE_DATA 'Everything'"):
        data.resolve_source()


@pytest.mark.parametrize(("profile", "source"), [("fast", "subset"), ("full", "auto"), (" Full ", "auto")])
def test_default_source_follows_the_profile(monkeypatch, profile, source):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    assert data.resolve_source() == source
    assert data.resolve_source("full") == "full"  # an explicit argument beats the profile


def test_profile_does_not_override_the_environment_variable(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setenv("COURSE_DATA", "subset")
    assert data.resolve_source() == "subset"


def raise_offline(*args, **kwargs):
    raise Exception("URL fetch failure on https://storage.googleapis.com/...: Name or service not known")


def offline(monkeypatch, dataset):
    monkeypatch.setattr(f"keras.datasets.{dataset.name}.load_data", raise_offline)


def test_full_offline_suggests_the_subset(dataset, monkeypatch):
    offline(monkeypatch, dataset)
    with pytest.raises(ConnectionError, match=rf"pass the source 'subset', e\.g\. load_dataset\('{dataset.name}', "):
        data.load_dataset(dataset.name, "full")
    monkeypatch.setenv("COURSE_DATA", "full")
    with pytest.raises(ConnectionError, match=r"set \$COURSE_DATA to 'subset' \(it overrides"):
        data.load_dataset(dataset.name, "subset")


def test_auto_falls_back_to_the_subset_offline_and_says_so(dataset, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    offline(monkeypatch, dataset)
    (x_train, _), _ = data.load_dataset(dataset.name, "auto")
    assert len(x_train) == 4_000
    expected = f"shipped {dataset.title} subset (full {dataset.title} could not be downloaded)"
    assert expected in capsys.readouterr().out


def write_keras_cache(keras_home, names):
    for name in names:
        path = keras_home / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not a dataset")


def test_auto_does_not_hide_a_broken_cached_dataset(dataset, monkeypatch, tmp_path):
    write_keras_cache(tmp_path, dataset.keras_cache_files)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    offline(monkeypatch, dataset)
    with pytest.raises(ConnectionError):
        data.load_dataset(dataset.name, "auto")


def test_auto_falls_back_when_only_part_of_a_download_is_cached(monkeypatch, tmp_path):
    write_keras_cache(tmp_path, data.FASHION_MNIST.keras_cache_files[:1])
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    offline(monkeypatch, data.FASHION_MNIST)
    (x_train, _), _ = data.load_dataset("fashion_mnist", "auto", verbose=False)
    assert len(x_train) == 4_000


def test_keras_cache_files_are_the_ones_keras_downloads(dataset, monkeypatch):
    requested = []

    def record_download(fname, origin=None, cache_subdir="datasets", **kwargs):
        requested.append(os.path.relpath(os.path.join(cache_subdir, fname), "datasets"))
        return "/nonexistent/" + fname

    monkeypatch.setattr(f"keras.src.datasets.{dataset.name}.get_file", record_download)
    with pytest.raises(ConnectionError):
        data.load_dataset(dataset.name, "full")
    assert sorted(requested) == sorted(dataset.keras_cache_files)


def test_auto_uses_the_full_dataset_when_available(dataset, monkeypatch, capsys):
    fake = (
        (np.zeros((60_000, 28, 28), np.uint8), np.zeros(60_000, np.uint8)),
        (np.zeros((10_000, 28, 28), np.uint8), np.zeros(10_000, np.uint8)),
    )
    monkeypatch.setattr(f"keras.datasets.{dataset.name}.load_data", lambda: fake)
    (x_train, _), _ = data.load_dataset(dataset.name, "auto")
    assert len(x_train) == 60_000
    assert capsys.readouterr().out == f"Data: full {dataset.title}, 60,000 training and 10,000 test images\n"


def test_stratified_split_rejects_too_small_classes():
    images, labels = np.zeros((10, 2, 2)), np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match="class 0 has 5 images, too few for 5 test images"):
        data.stratified_split(images, labels, test_per_class=5, seed=0)
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        data.stratified_split(images, labels[:9], test_per_class=1, seed=0)


def test_shuffled_passes_visits_every_example_once_per_pass():
    from course_utils.data import shuffled_passes

    order = shuffled_passes(size=5, count=12, seed=0)
    assert len(order) == 12
    assert sorted(order[:5]) == sorted(order[5:10]) == list(range(5))  # each full pass: every example once
    assert set(order[10:]) <= set(range(5)) and len(set(order[10:])) == 2  # the partial pass: no repeats
    assert not np.array_equal(order[:5], order[5:10])  # a new order per pass (for this seed)
    np.testing.assert_array_equal(order, shuffled_passes(5, 12, seed=0))
    assert not np.array_equal(order, shuffled_passes(5, 12, seed=1))


@pytest.mark.parametrize(("size", "count"), [(0, 5), (5, 0), (2.5, 5), (5, -1)])
def test_shuffled_passes_rejects_bad_sizes(size, count):
    from course_utils.data import shuffled_passes

    with pytest.raises(ValueError, match="must be a positive integer"):
        shuffled_passes(size, count, seed=0)
