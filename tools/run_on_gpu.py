"""Run every notebook on a GPU under the full profile, on JAX and PyTorch, and record the results.

A GPU machine here comes for minutes at a time, with JAX and PyTorch but without TensorFlow
(its wheel is too large to carry) and without internet. So the work is split in two:

    python tools/run_on_gpu.py prepare      # here: wheels the GPU machine lacks, full datasets
    python tools/run_on_gpu.py run          # there: install them, run every notebook, report

``prepare`` downloads into ``build/gpu/wheels`` the wheels of the packages named in
``NEEDED`` that the GPU machine may lack (``pip download``, for its Python and platform), and
copies the full datasets Keras's loaders read (``$KERAS_HOME/datasets``, e.g. Debian's
``dataset-fashion-mnist``) into ``build/gpu/datasets``; it prints their size, which must fit
what the machine is sent (64 MiB). ``run`` installs those wheels with ``--no-index`` and this
checkout with ``--no-deps``, puts the datasets where Keras looks, then executes every notebook
for each backend with ``COURSE_PROFILE=full`` in a fresh kernel, letting a failed cell stop
nothing, so that one run shows every assertion that fails. It writes, per backend and notebook,
the wall time, whether every cell ran (the failed assertions by name otherwise) and the test
accuracies the notebook printed, to ``build/gpu/report.md``, and with ``--into`` into a section
of ``docs/benchmark.md``. It refuses to run without a GPU unless ``--allow-cpu`` is given
(to try the script on a CPU first).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "build" / "gpu"
WHEELS, DATASETS, REPORT = WORK / "wheels", WORK / "datasets", WORK / "report.md"
BENCHMARK = REPO / "docs" / "benchmark.md"
SECTION_START = "<!-- gpu run: written by tools/run_on_gpu.py -->"
SECTION_END = "<!-- end of gpu run -->"
CARRY_LIMIT_BYTES = 64 * 2**20
# What the notebooks need besides JAX or PyTorch and NumPy, which the GPU machine has.
NEEDED = ("keras", "nbclient", "nbformat", "ipykernel", "matplotlib", "scipy", "ipywidgets")
# A test accuracy as the notebooks print it: "test accuracy 0.962", "CNN 0.902 ± 0.003".
ACCURACY_LINE = re.compile(r"accuracy.*?\d\.\d{3}", re.IGNORECASE)


@dataclass
class NotebookRun:
    """One notebook on one backend: time, failed cells, printed accuracies."""

    name: str
    seconds: float
    failures: list[str] = field(default_factory=list)
    accuracies: list[str] = field(default_factory=list)


def missing_packages(names: tuple[str, ...] = NEEDED) -> list[str]:
    """The packages of ``names`` that this Python cannot import."""
    return [name for name in names if importlib.util.find_spec(name) is None]


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def prepare(python_version: str, keras_home: Path) -> int:
    """Download the wheels and copy the full datasets the GPU run needs into ``build/gpu``."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--python-version", python_version]
    command += ["--platform", "manylinux2014_x86_64", "--dest", str(WHEELS), *NEEDED]
    subprocess.run(command, check=True)
    source = keras_home / "datasets"
    if source.is_dir():
        shutil.copytree(source, DATASETS, dirs_exist_ok=True)
    else:
        print(f"no datasets under {source}: the run will use the shipped subsets (see README, 'Data and profiles')")
    size = directory_size(WORK)
    print(f"build/gpu holds {size / 2**20:.1f} MiB (limit {CARRY_LIMIT_BYTES / 2**20:.0f} MiB)")
    if size > CARRY_LIMIT_BYTES:
        print("too large to carry: leave out the wheels of packages the GPU machine already has")
        return 1
    return 0


def install_carried_files() -> None:
    """Install the carried wheels and this checkout; put the datasets where Keras looks."""
    if WHEELS.is_dir() and missing_packages():
        pip = [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", str(WHEELS)]
        subprocess.run([*pip, *missing_packages()], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-e", str(REPO)], check=True)
    if DATASETS.is_dir():
        keras_home = Path(os.environ.setdefault("KERAS_HOME", str(WORK / "keras_home")))
        shutil.copytree(DATASETS, keras_home / "datasets", dirs_exist_ok=True)


def backend_sees_a_gpu(backend: str) -> bool:
    """Whether ``backend`` finds a GPU, asked in a fresh Python (Keras picks its backend once)."""
    probe = "from course_utils.backend import gpu_available; print(gpu_available())"
    environment = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise RuntimeError(f"{backend} does not start:\n{result.stderr[-2000:]}")
    return result.stdout.strip().endswith("True")


def run_notebook(path: Path, backend: str, cell_timeout: int) -> NotebookRun:
    """Execute one notebook on ``backend`` under the full profile; every cell runs, failed or not."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.update(KERAS_BACKEND=backend, COURSE_PROFILE="full")
    os.environ.pop("COURSE_DATA", None)  # the full profile's own choice: full data where Keras has it
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    run = NotebookRun(path.stem, time.perf_counter() - start)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                run.failures.append(f"cell {index}: {output['ename']}: {output['evalue'][:120]}")
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            run.accuracies += [line.strip() for line in text.splitlines() if ACCURACY_LINE.search(line)]
    return run


def format_report(runs: dict[str, list[NotebookRun]], device: str) -> str:
    """A Markdown section: per backend, a table of notebooks with time, verdict and accuracies."""
    lines = [SECTION_START, "", "## Every notebook on a GPU, full profile", ""]
    lines += [f"Measured with `python tools/run_on_gpu.py run` on {device}.", ""]
    for backend, notebook_runs in runs.items():
        total = sum(run.seconds for run in notebook_runs)
        lines += [f"### {backend} ({total:.0f} s in all)", ""]
        lines += [
            "| notebook | time (s) | every assertion held | accuracies printed (first three) |",
            "|---|---:|---|---|",
        ]
        for run in notebook_runs:
            verdict = "yes" if not run.failures else "no: " + "; ".join(run.failures)
            shown = "<br>".join(run.accuracies[:3]).replace("|", "\\|") or "-"
            lines.append(f"| {run.name} | {run.seconds:.1f} | {verdict} | {shown} |")
        lines.append("")
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def write_into(path: Path, section: str) -> None:
    """Replace this script's section of ``path`` (between its markers), or append it."""
    text = path.read_text() if path.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        text = before + section + rest.split(SECTION_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def run(backends: list[str], notebooks: list[Path], allow_cpu: bool, cell_timeout: int, into: Path | None) -> int:
    """Install what was carried, then run the notebooks on each backend and write the report."""
    install_carried_files()
    if missing_packages():
        print(f"missing packages: {', '.join(missing_packages())}; run `prepare` here and carry build/gpu")
        return 2
    runs: dict[str, list[NotebookRun]] = {}
    for backend in backends:
        if not backend_sees_a_gpu(backend) and not allow_cpu:
            print(f"{backend} sees no GPU: refusing (pass --allow-cpu to try the script on a CPU)")
            return 2
        runs[backend] = []
        for path in notebooks:
            print(f"{backend}: running {path.name} ...", flush=True)
            result = run_notebook(path, backend, cell_timeout)
            print(f"  {result.seconds:.1f} s, {'ok' if not result.failures else result.failures}", flush=True)
            runs[backend].append(result)
    device = (
        subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout.strip()
        if shutil.which("nvidia-smi")
        else f"{os.cpu_count()} CPU cores, no GPU (a trial of the script)"
    )
    report = format_report(runs, device)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report)
    if into is not None:
        write_into(into, report)
    print(report)
    return 0 if all(not result.failures for results in runs.values() for result in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare", help="here: download wheels, copy the full datasets")
    prepare_parser.add_argument("--python-version", default="3.11", help="the GPU machine's Python")
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    prepare_parser.add_argument("--keras-home", type=Path, default=keras_home, help="where the datasets are cached")
    run_parser = commands.add_parser("run", help="on the GPU machine: run every notebook, write the report")
    run_parser.add_argument("notebooks", nargs="*", type=Path, help="default: all, lessons then companions")
    run_parser.add_argument("--backends", nargs="+", default=["jax", "torch"], choices=["jax", "torch", "tensorflow"])
    run_parser.add_argument("--allow-cpu", action="store_true", help="run without a GPU, to try the script")
    run_parser.add_argument("--cell-timeout", type=int, default=600, help="seconds before one cell is stopped")
    run_parser.add_argument(
        "--into", type=Path, help=f"also write the report into this file (e.g. {BENCHMARK.relative_to(REPO)})"
    )
    arguments = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if arguments.command == "prepare":
        return prepare(arguments.python_version, arguments.keras_home)
    notebooks = arguments.notebooks or sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(
        (REPO / "notebooks" / "extras").glob("*.ipynb")
    )
    absent = [str(path) for path in notebooks if not path.exists()]
    if absent:
        parser.error(f"no such notebook: {', '.join(absent)}")
    return run(
        arguments.backends,
        [path.resolve() for path in notebooks],
        arguments.allow_cpu,
        arguments.cell_timeout,
        arguments.into,
    )


if __name__ == "__main__":
    sys.exit(main())
