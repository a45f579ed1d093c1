#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine, runs the Rust test
# suite (unit, golden-against-NEST, thread-count invariance, stepped runs, HDF5 round trip,
# bad input), then runs the README's main job end to end and checks its output with the Python
# analysis script.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-debian.sh --python

cargo test --workspace --locked 2>&1

# The main job, end to end, into a temporary folder.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --release --locked -q -p spindle-cli -- run examples/glif_cond.toml --output "$out/glif_cond.h5" --plot "$out/figures" --threads 2
python3 scripts/plot_glif_cond.py "$out/glif_cond.h5" --out "$out/py_figures"
python3 scripts/check_output.py "$out/glif_cond.h5" "$out/figures" "$out/py_figures"

# The Python front end (crates/spindle-py): build and install the package, then its tests,
# which run NEST's glif_cond example through it and `spindle run` on the scenario it exports.
python3 -m pip install -q --disable-pip-version-check ./crates/spindle-py
SPINDLE_BIN=target/release/spindle python3 -m pytest crates/spindle-py/tests -q
