#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine, runs the Rust test
# suite (unit, golden-against-NEST, thread-count invariance, stepped runs, HDF5 round trip,
# crash safety, bad input), then runs the README's main job end to end and checks its output
# with the Python analysis scripts (h5py, pandas, bmtk and libsonata for the SONATA spikes and
# reports), compares random
# scenarios with NEST 3.10 itself (scripts/differential.py), and tests the Python front end.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-debian.sh --python

cargo test --workspace --locked 2>&1

# MPI (crates/spindle-mpi with its `mpi` feature): every collective of the communicator on
# 2 and 3 ranks of this 2-core machine, then whole runs.
cargo build --locked -q -p spindle-mpi --features mpi --example collectives
mpi_target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
for np in 2 3; do
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    timeout 120 mpirun --oversubscribe -np $np "$mpi_target/debug/examples/collectives"
done
# The CLI on 2 ranks x 1 thread, 1 rank x 2 threads and without mpirun: bit-identical HDF5
# datasets on a Brunel network, changes between Simulate calls, multimeters, plastic synapses.
cargo build --locked -q -p spindle-cli --features mpi
python3 scripts/check_mpi.py "$mpi_target/debug/spindle" examples/brunel_small.toml \
  tests/scenarios/live_changes.toml tests/scenarios/glif_multiport.toml \
  tests/scenarios/stdp_synapses.toml tests/scenarios/psc_zoo_network.toml

# The main job, end to end, into a temporary folder.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --locked -q -p spindle-cli
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
spindle="$target_dir/release/spindle"
"$spindle" run examples/glif_cond.toml --output "$out/glif_cond.h5" --plot "$out/figures" --threads 2 --sonata
python3 scripts/plot_glif_cond.py "$out/glif_cond.h5" --out "$out/py_figures"
python3 scripts/check_output.py "$out/glif_cond.h5" "$out/figures" "$out/py_figures"
python3 scripts/check_sonata.py "$out/glif_cond.h5"

# The analysis examples on a small network, the SONATA output as bmtk reads it, and the file
# (and SONATA reports) of a run killed with SIGKILL, read while running and after, with h5py.
"$spindle" run examples/brunel_small.toml --output "$out/brunel_small.h5" --threads 2 -q
python3 scripts/raster.py "$out/brunel_small.h5" --out "$out/raster.png" --rates-csv "$out/rates.csv"
python3 scripts/check_sonata.py "$out/brunel_small.h5"
python3 scripts/check_crash.py "$spindle" examples/brunel_small.toml "$out/crash"

# The Python front end (crates/spindle-py): build and install the package (the differential
# comparison below reads plastic synapses' weights through it).
python3 -m pip install -q --disable-pip-version-check ./crates/spindle-py

# Against NEST 3.10 itself: random deterministic scenarios (all the NEST-exact models,
# generators, relays, recorder windows, plastic synapses, several resolutions) must give the
# same spikes, traces and weights in both simulators.
python3 scripts/differential.py -n 20 --seed 1 --spindle "$spindle" --out "$out/differential"

# The package's tests, which run NEST's glif_cond example through it and `spindle run` on the
# scenario it exports.
SPINDLE_BIN="$spindle" python3 -m pytest crates/spindle-py/tests -q
