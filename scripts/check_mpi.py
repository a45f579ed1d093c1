#!/usr/bin/env python3
"""Checks that a distributed run gives the same output as one process.

Runs each scenario (with `--connections`, and `--sonata` unless it names a node `spikes`,
which SONATA output refuses) as `mpirun -np 2 spindle run …
--threads 1`, `mpirun -np 1 … --threads 2` and plain `spindle run … --threads 2` and
`--threads 1`, and compares every dataset of the four HDF5 files and of their SONATA report
files (`OUT.<multimeter>.<recordable>.h5`) bit for bit (variable-length strings by value). Exits non-zero, naming the datasets, if any
differ. `SPINDLE` must be a spindle built with `--features mpi`:

    cargo build -p spindle-cli --features mpi
    python3 scripts/check_mpi.py target/debug/spindle examples/brunel_small.toml tests/scenarios/live_changes.toml
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = obj[()]
                out[name] = v.tolist() if obj.dtype.kind == "O" else (v.dtype.str, v.shape, v.tobytes())
        f.visititems(visit)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("spindle")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1")
    mpirun = ["mpirun", "--oversubscribe"]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in args.scenarios:
            name = Path(scenario).stem
            sonata = [] if re.search(r'name\s*=\s*"spikes"', Path(scenario).read_text()) else ["--sonata"]
            runs = {
                "2 ranks x 1 thread": mpirun + ["-np", "2", args.spindle, "run", scenario, "--threads", "1"],
                "1 rank x 2 threads": mpirun + ["-np", "1", args.spindle, "run", scenario, "--threads", "2"],
                "2 threads": [args.spindle, "run", scenario, "--threads", "2"],
                "1 thread": [args.spindle, "run", scenario, "--threads", "1"],
            }
            files = {}
            for label, cmd in runs.items():
                out = Path(tmp) / f"{name}-{len(files)}.h5"
                subprocess.run(cmd + ["--output", str(out), "-q", "--connections"] + sonata, check=True, env=env,
                               timeout=args.timeout)
                found = datasets(out)
                for report in sorted(Path(tmp).glob(f"{out.stem}.*.h5")):
                    suffix = report.name[len(out.stem):]
                    found.update({f"{suffix}:{k}": v for k, v in datasets(report).items()})
                files[label] = found
            reference = files["2 threads"]
            for label, got in files.items():
                bad = sorted(k for k in set(got) | set(reference) if got.get(k) != reference.get(k))
                status = "identical" if not bad else f"DIFFERENT: {', '.join(bad)}"
                print(f"{name}: {label}: {len(got)} datasets{' (with SONATA reports)' if sonata else ''} {status}")
                failed |= bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
