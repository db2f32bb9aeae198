import re
import shutil

import numpy as np
import pytest

from course_utils import data


@pytest.fixture
def no_course_data_variable(monkeypatch):
    monkeypatch.delenv("COURSE_DATA", raising=False)


@pytest.fixture(autouse=True)
def shipped_data_and_no_profile(monkeypatch):
    """Every test starts from the repository's data/ folder and the hardware's profile."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_PROFILE", raising=False)


def test_subset_has_keras_layout_and_stratified_split(no_course_data_variable, capsys):
    (x_train, y_train), (x_test, y_test) = data.load_mnist("subset")
    assert x_train.shape == (4_000, 28, 28) and x_test.shape == (1_000, 28, 28)
    assert y_train.shape == (4_000,) and y_test.shape == (1_000,)
    assert {x_train.dtype, x_test.dtype, y_train.dtype, y_test.dtype} == {np.dtype(np.uint8)}
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10
    assert x_train.max() == 255 and x_train.min() == 0
    assert capsys.readouterr().out == "Data: the shipped MNIST subset, 4,000 training and 1,000 test images\n"


def test_subset_split_is_shuffled_deterministic_and_disjoint(no_course_data_variable):
    (x_train, y_train), (x_test, _) = data.load_mnist("subset", verbose=False)
    (x_train_again, y_train_again), _ = data.load_mnist("subset", verbose=False)
    np.testing.assert_array_equal(x_train, x_train_again)
    np.testing.assert_array_equal(y_train, y_train_again)
    assert len(np.unique(y_train[:20])) > 3  # shuffled, not sorted by class
    train_rows = {image.tobytes() for image in x_train}
    assert not any(image.tobytes() in train_rows for image in x_test)


def test_corrupted_subset_names_the_file_and_the_fix(tmp_path):
    copy = tmp_path / "mnist_5k.npz"
    shutil.copy(data.DEFAULT_DATA_DIR / "mnist_5k.npz", copy)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    with pytest.raises(OSError, match=r"mnist_5k\.npz is corrupted.*git checkout -- data/mnist_5k\.npz"):
        data.read_subset_file(copy)


def test_missing_subset_says_how_to_restore(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"git checkout -- data/mnist_5k\.npz"):
        data.read_subset_file(tmp_path / "absent.npz")


def test_shipped_file_matches_recorded_checksum():
    assert data.subset_file() == data.DEFAULT_DATA_DIR / "mnist_5k.npz"
    assert data.sha256_of(data.subset_file()) == data.SUBSET_SHA256


def test_data_folder_comes_from_the_environment_at_call_time(no_course_data_variable, monkeypatch, tmp_path):
    shutil.copy(data.DEFAULT_DATA_DIR / "mnist_5k.npz", tmp_path / "mnist_5k.npz")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.subset_file() == tmp_path / "mnist_5k.npz"
    (x_train, _), _ = data.load_mnist("subset", verbose=False)
    assert len(x_train) == 4_000
    (tmp_path / "mnist_5k.npz").write_bytes(b"another file")
    with pytest.raises(OSError, match=re.escape(f"the MNIST subset {tmp_path / 'mnist_5k.npz'} is corrupted")):
        data.load_mnist("subset")


def test_data_folder_without_the_subset_says_which_variable_to_fix(no_course_data_variable, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"mnist_5k\.npz is missing\. \$COURSE_DATA_DIR points at "):
        data.load_mnist("subset")


def test_missing_data_folder_is_reported(no_course_data_variable, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match=r"\$COURSE_DATA_DIR is '.*absent', which is not a folder"):
        data.load_mnist("subset")
    monkeypatch.delenv("COURSE_DATA_DIR")
    monkeypatch.setattr(data, "DEFAULT_DATA_DIR", tmp_path / "site-packages" / "data")
    with pytest.raises(FileNotFoundError, match=r"installed without the course repository\. Set \$COURSE_DATA_DIR"):
        data.load_mnist("subset")


def test_unknown_source_lists_valid_ones(no_course_data_variable):
    with pytest.raises(ValueError, match="unknown MNIST source 'mnist'; valid sources are auto, subset, full"):
        data.load_mnist("mnist")


def test_environment_variable_overrides_argument(monkeypatch):
    monkeypatch.setenv("COURSE_DATA", "subset")
    assert data.resolve_source("full") == "subset"
    monkeypatch.setenv("COURSE_DATA", "Everything")
    with pytest.raises(ValueError, match=r"unknown MNIST \$COURSE_DATA 'everything'"):
        data.resolve_source()


@pytest.mark.parametrize(("profile", "source"), [("fast", "subset"), ("full", "auto"), (" Full ", "auto")])
def test_default_source_follows_the_profile(no_course_data_variable, monkeypatch, profile, source):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    assert data.resolve_source() == source
    assert data.resolve_source("full") == "full"  # an explicit argument beats the profile


def test_profile_does_not_override_the_environment_variable(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setenv("COURSE_DATA", "subset")
    assert data.resolve_source() == "subset"


def raise_offline(*args, **kwargs):
    raise Exception("URL fetch failure on https://storage.googleapis.com/...: Name or service not known")


def test_full_offline_suggests_subset(no_course_data_variable, monkeypatch):
    monkeypatch.setattr("keras.datasets.mnist.load_data", raise_offline)
    with pytest.raises(ConnectionError, match=r"use load_mnist\('subset'\)"):
        data.load_mnist("full")


def test_auto_falls_back_to_subset_offline_and_says_so(no_course_data_variable, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr("keras.datasets.mnist.load_data", raise_offline)
    (x_train, _), _ = data.load_mnist("auto")
    assert len(x_train) == 4_000
    assert "shipped MNIST subset (full MNIST could not be downloaded)" in capsys.readouterr().out


def test_auto_does_not_hide_a_broken_cached_file(no_course_data_variable, monkeypatch, tmp_path):
    cache = tmp_path / "datasets" / "mnist.npz"
    cache.parent.mkdir()
    cache.write_bytes(b"not a zip")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr("keras.datasets.mnist.load_data", raise_offline)
    with pytest.raises(ConnectionError):
        data.load_mnist("auto")


def test_auto_uses_full_mnist_when_available(no_course_data_variable, monkeypatch, capsys):
    fake = (
        (np.zeros((60_000, 28, 28), np.uint8), np.zeros(60_000, np.uint8)),
        (
            np.zeros((10_000, 28, 28), np.uint8),
            np.zeros(10_000, np.uint8),
        ),
    )
    monkeypatch.setattr("keras.datasets.mnist.load_data", lambda: fake)
    (x_train, _), _ = data.load_mnist("auto")
    assert len(x_train) == 60_000
    assert capsys.readouterr().out == "Data: full MNIST, 60,000 training and 10,000 test images\n"


def test_stratified_split_rejects_too_small_classes():
    images, labels = np.zeros((10, 2, 2)), np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match="class 0 has 5 images, too few for 5 test images"):
        data.stratified_split(images, labels, test_per_class=5, seed=0)
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        data.stratified_split(images, labels[:9], test_per_class=1, seed=0)
