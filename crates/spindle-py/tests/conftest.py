"""Shared fixtures of the Python front end's tests: a fresh kernel per test, NEST 3.10 itself
(for the live comparisons), the repository root, and the `spindle` command-line binary (for
the export round trip)."""

import os
import runpy
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "glif_cond_neuron.py"


@pytest.fixture
def nest():
    """`import spindle as nest`, with a fresh kernel."""
    import spindle

    spindle.ResetKernel()
    spindle.set_verbosity("M_WARNING")
    yield spindle
    spindle.ResetKernel()


@pytest.fixture(scope="session")
def real_nest():
    """NEST 3.10's PyNEST, quiet (tests that compare with it are skipped without it)."""
    nest = pytest.importorskip("nest")
    nest.set_verbosity("M_ERROR")
    return nest


@pytest.fixture(scope="session")
def spindle_bin():
    """The `spindle` binary: $SPINDLE_BIN, or target/release/spindle (built if missing)."""
    path = Path(os.environ.get("SPINDLE_BIN", REPO / "target" / "release" / "spindle"))
    if not path.exists():
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-q", "-p", "spindle-cli"],
            cwd=REPO,
            check=True,
        )
    return path


@pytest.fixture(scope="session")
def example(tmp_path_factory):
    """Run the example script as `python examples/glif_cond_neuron.py` would, headless; save
    the figures it leaves open for plt.show() and export its scenario. Returns the script's
    globals, the figure files and the exported scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = tmp_path_factory.mktemp("figures")
    saved = []

    def show():
        for num in plt.get_fignums():
            fig = plt.figure(num)
            path = figures / f"{fig.get_label() or num}.png"
            fig.savefig(path)
            saved.append(path)
        plt.close("all")

    original = plt.show
    plt.show = show
    try:
        script_globals = runpy.run_path(str(EXAMPLE), run_name="__main__")
    finally:
        plt.show = original
    # The kernel still holds the script's network: export it now, before another test
    # resets it (test_export.py runs the export with `spindle run`).
    import spindle

    exported = figures.parent / "glif_cond_neuron.toml"
    spindle.export_scenario(exported)
    spindle.ResetKernel()
    return script_globals, saved, exported
