"""The GPU run's script (tools/run_on_gpu.py): its report, where it writes it, what it refuses."""

import pytest
from tool_loader import load_tool


@pytest.fixture(scope="module")
def gpu_run():
    return load_tool("run_on_gpu")


@pytest.fixture(scope="module")
def benchmark():
    return load_tool("benchmark")


def test_the_report_shows_time_verdict_and_accuracies_per_backend(gpu_run):
    runs = {
        "jax": [
            gpu_run.NotebookRun("01_ann_basics", 12.34, [], ["test accuracy 0.975 | loss 0.08"]),
            gpu_run.NotebookRun("04_translation_invariance", 50.0, ["cell 45: AssertionError: costs nothing"]),
        ]
    }
    report = gpu_run.format_report(runs, "NVIDIA H200")
    assert report.startswith(gpu_run.SECTION_START) and report.rstrip().endswith(gpu_run.SECTION_END)
    assert "### jax (62 s in all)" in report
    assert "| 01_ann_basics | 12.3 | yes | test accuracy 0.975 \\| loss 0.08 |" in report
    assert "| 04_translation_invariance | 50.0 | no: cell 45: AssertionError: costs nothing | - |" in report


def test_the_report_replaces_its_own_section_and_keeps_the_rest(gpu_run, benchmark, tmp_path):
    target = tmp_path / "benchmark.md"
    target.write_text("# Benchmark\n\nCPU table\n")
    gpu_run.write_into(target, gpu_run.format_report({"jax": []}, "first GPU"))
    gpu_run.write_into(target, gpu_run.format_report({"jax": []}, "second GPU"))
    text = target.read_text()
    assert text.startswith("# Benchmark\n\nCPU table\n") and text.count(gpu_run.SECTION_START) == 1
    assert "second GPU" in text and "first GPU" not in text
    assert benchmark.gpu_section(target).strip() == text.split("CPU table\n", 1)[1].strip(), (
        "tools/benchmark.py keeps the GPU section when it rewrites the CPU table"
    )


def test_accuracy_lines_are_found_as_the_notebooks_print_them(gpu_run):
    for line in ("MLP + augmentation: test accuracy 0.912 on centred digits", "CNN test accuracy 0.902 ± 0.003"):
        assert gpu_run.ACCURACY_LINE.search(line)
    assert not gpu_run.ACCURACY_LINE.search("accuracy goes up with data")


def test_run_refuses_a_notebook_that_does_not_exist(gpu_run, capsys):
    with pytest.raises(SystemExit):
        gpu_run.main(["run", "notebooks/99_missing.ipynb", "--allow-cpu"])
    assert "no such notebook: notebooks/99_missing.ipynb" in capsys.readouterr().err
