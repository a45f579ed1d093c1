#!/usr/bin/env bash
# Installs what spindle needs beyond Rust on a fresh Debian/Ubuntu machine: the HDF5 C library
# (headers and pkg-config file, for the hdf5-metno crate), Open MPI (for the mpi feature) and, with --python, the Python
# packages of the analysis scripts. Safe to run again: it only installs what is missing.
set -euo pipefail

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! pkg-config --exists hdf5 2>/dev/null && ! [ -f /usr/include/hdf5/serial/hdf5.h ]; then
  echo "setup: installing libhdf5-dev and pkg-config" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq libhdf5-dev pkg-config >/dev/null
fi

# MPI (crates/spindle-mpi, `--features mpi`): Open MPI and libclang for rsmpi's bindings.
if ! command -v mpirun >/dev/null 2>&1 || ! pkg-config --exists ompi 2>/dev/null || ! ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1; then
  echo "setup: installing libopenmpi-dev, openmpi-bin and libclang-dev" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq libopenmpi-dev openmpi-bin libclang-dev >/dev/null
fi

if [ "${1:-}" = "--python" ]; then
  # bmtk reads the SONATA spike output in scripts/check_sonata.py.
  if ! python3 -c "import h5py, numpy, matplotlib, pandas, bmtk" 2>/dev/null; then
    echo "setup: installing h5py, numpy, matplotlib, pandas and bmtk" >&2
    python3 -m pip install -q --disable-pip-version-check h5py numpy matplotlib pandas bmtk
  fi
  # libsonata also reads the SONATA spikes and reports in scripts/check_sonata.py (which says
  # so and checks with bmtk alone where it is missing).
  if ! python3 -c "import libsonata" 2>/dev/null; then
    echo "setup: installing libsonata" >&2
    python3 -m pip install -q --disable-pip-version-check "libsonata==0.2.2" \
      || echo "setup: libsonata did not install; scripts/check_sonata.py checks without it" >&2
  fi
  # NEST 3.10 itself, the reference: scripts/differential.py runs random scenarios in NEST and
  # in spindle and compares them (also the golden-data and benchmark scripts use it).
  if ! python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('nest') is None)"; then
    echo "setup: installing NEST 3.10 (scripts/requirements-nest.txt)" >&2
    python3 -m pip install -q --disable-pip-version-check -r "$(dirname "$0")/requirements-nest.txt"
  fi
  # The Python front end's tests (crates/spindle-py/tests); pip fetches maturin itself when
  # it builds the package.
  if ! python3 -c "import pytest, pytest_timeout" 2>/dev/null; then
    echo "setup: installing pytest and pytest-timeout" >&2
    python3 -m pip install -q --disable-pip-version-check pytest pytest-timeout
  fi
fi
