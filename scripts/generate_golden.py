#!/usr/bin/env python3
"""Regenerate spindle's golden reference data from NEST 3.10.

    scripts/generate_golden.py [STEM ...] [--check]

Runs `scripts/nest_run_scenario.py` on every `tests/scenarios/*.toml` (or only the named stems)
with one NEST thread and writes `tests/data/<stem>.h5`, then prints the file sizes. With
`--check` nothing is written: each scenario is run into a temporary folder and compared with the
committed file, dataset by dataset, to show that the committed data still is what NEST produces.

The reference is pinned to NEST 3.10.0 (scripts/requirements-nest.txt); any other version is
refused, because golden data from another NEST would silently change what spindle is tested
against.

Scenarios without golden data: `glif_cond_example.toml` is NEST's example at full multimeter
resolution (about 6 MB of output); its golden counterpart is `glif_cond_example_golden.toml`,
which must differ from it only in the multimeter interval; this script checks that.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import h5py
import numpy as np

REQUIRED_NEST_VERSION = "3.10.0"
THREADS = 1

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "tests" / "scenarios"
DATA = REPO / "tests" / "data"
RUNNER = REPO / "scripts" / "nest_run_scenario.py"

# Scenario stem -> the stem of its golden twin, which differs only in multimeter intervals.
GOLDEN_TWIN = {"glif_cond_example": "glif_cond_example_golden"}

# Keep the repository small: golden files are test fixtures, not data sets.
MAX_FILE_BYTES = 320_000
MAX_TOTAL_BYTES = 3_000_000


def nest_version() -> str:
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    return nest.__version__


def check_twin(original: Path, twin: Path) -> None:
    """Fail unless `twin` equals `original` apart from multimeter intervals."""

    def normalised(path: Path) -> dict:
        with path.open("rb") as f:
            doc = tomllib.load(f)
        for node in doc.get("nodes", []):
            if node.get("model") in ("multimeter", "voltmeter"):
                node.get("params", {}).pop("interval", None)
        return doc

    if normalised(original) != normalised(twin):
        sys.exit(f"generate_golden: {twin.name} must differ from {original.name} only in multimeter intervals")


def run_scenario(scenario: Path, output: Path) -> None:
    cmd = [sys.executable, str(RUNNER), str(scenario), "--output", str(output), "--threads", str(THREADS)]
    result = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    # Show only the runner's own summary line; NEST's warnings stay available on failure.
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(f"generate_golden: {scenario.name} failed (exit {result.returncode})")
    for line in result.stderr.splitlines():
        if line.startswith("nest_run_scenario:"):
            print(f"  {line.removeprefix('nest_run_scenario: ')}")


def differences(expected: Path, actual: Path) -> list[str]:
    """Human-readable differences between two result files (attributes and datasets)."""
    found: list[str] = []
    with h5py.File(expected, "r") as a, h5py.File(actual, "r") as b:

        def compare_attrs(path: str, x: h5py.HLObject, y: h5py.HLObject) -> None:
            if set(x.attrs) != set(y.attrs):
                found.append(f"{path}: attribute names {sorted(x.attrs)} != {sorted(y.attrs)}")
                return
            for key in x.attrs:
                if not np.array_equal(np.asarray(x.attrs[key]), np.asarray(y.attrs[key])):
                    found.append(f"{path}@{key}: {x.attrs[key]!r} != {y.attrs[key]!r}")

        def walk(path: str, x: h5py.Group, y: h5py.Group) -> None:
            compare_attrs(path or "/", x, y)
            if set(x) != set(y):
                found.append(f"{path or '/'}: members {sorted(x)} != {sorted(y)}")
                return
            for key in x:
                sub = f"{path}/{key}"
                if isinstance(x[key], h5py.Group):
                    walk(sub, x[key], y[key])
                elif not np.array_equal(x[key][()], y[key][()]):
                    found.append(f"{sub}: values differ")
                else:
                    compare_attrs(sub, x[key], y[key])

        walk("", a, b)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stems", nargs="*", help="scenario stems to regenerate (default: all)")
    parser.add_argument("--check", action="store_true", help="compare with tests/data instead of writing")
    args = parser.parse_args(argv)

    version = nest_version()
    if version != REQUIRED_NEST_VERSION:
        sys.exit(
            f"generate_golden: NEST {version} found, but golden data must come from NEST {REQUIRED_NEST_VERSION} "
            f"(pip install -r scripts/requirements-nest.txt)"
        )

    for original, twin in GOLDEN_TWIN.items():
        check_twin(SCENARIOS / f"{original}.toml", SCENARIOS / f"{twin}.toml")

    available = {p.stem: p for p in sorted(SCENARIOS.glob("*.toml"))}
    # rules_*.toml are the random-rule statistics scenarios: scripts/rules_golden.py.
    stems = args.stems or [s for s in available if s not in GOLDEN_TWIN and not s.startswith("rules_")]
    for stem in stems:
        if stem not in available:
            sys.exit(f"generate_golden: no scenario tests/scenarios/{stem}.toml")
        if stem in GOLDEN_TWIN:
            sys.exit(f"generate_golden: {stem} has no golden data; use {GOLDEN_TWIN[stem]}")

    DATA.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for stem in stems:
            print(f"{stem}:")
            if args.check:
                fresh = Path(tmp) / f"{stem}.h5"
                run_scenario(available[stem], fresh)
                committed = DATA / f"{stem}.h5"
                problems = differences(committed, fresh) if committed.exists() else [f"{committed} is missing"]
                for p in problems:
                    print(f"  DIFFERS {p}")
                failures += bool(problems)
            else:
                run_scenario(available[stem], DATA / f"{stem}.h5")

    if args.check:
        print(f"{len(stems) - failures} of {len(stems)} golden files reproduced")
        return 1 if failures else 0

    print("\ngolden data (tests/data):")
    total = 0
    too_big = []
    for path in sorted(DATA.glob("*.h5")):
        size = path.stat().st_size
        total += size
        print(f"  {path.name:<36} {size / 1000:8.1f} kB")
        if size > MAX_FILE_BYTES:
            too_big.append(path.name)
    print(f"  {'total':<36} {total / 1000:8.1f} kB")
    if too_big or total > MAX_TOTAL_BYTES:
        sys.exit(
            f"generate_golden: golden data too large (files over {MAX_FILE_BYTES} B: {too_big}; "
            f"total {total} B, limit {MAX_TOTAL_BYTES} B): record less"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
