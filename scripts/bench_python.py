#!/usr/bin/env python3
"""Performance targets of the Python front end (`import spindle as nest`), measured.

(a) `Create` of 10⁶ `iaf_psc_alpha` with `V_m` drawn from a normal distribution (target: well
    under a second): one native call creates the nodes, one draws and sets `V_m` for all.
(b) Building the Brunel network of `benches/scenarios/brunel_alpha.toml` from a PyNEST script
    equivalent to the scenario, against `spindle run` on the scenario (target: within 10 %).
    Build time only: Python from `ResetKernel` until the connections are built
    (`GetKernelStatus("num_connections")` builds them), the CLI's `build_s` from `--stats`,
    on a copy of the scenario that simulates 0 ms. Same thread count for both.

Usage: python3 scripts/bench_python.py [--repeat 3] [--threads N]
with the `spindle` package importable and the CLI at $SPINDLE_BIN or target/release/spindle.
Prints one line per measurement (best and median of the repeats), for docs/performance.md.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spindle as nest

REPO = Path(__file__).resolve().parents[1]
BRUNEL = REPO / "benches" / "scenarios" / "brunel_alpha.toml"


def create_random_vm(threads):
    nest.ResetKernel()
    nest.local_num_threads = threads
    start = time.perf_counter()
    nest.Create("iaf_psc_alpha", 1_000_000, {"V_m": nest.random.normal(-58.0, 10.0)})
    return time.perf_counter() - start


def brunel_python(threads):
    """brunel_alpha.toml as a PyNEST script; seconds until the network is built."""
    neuron = {
        "C_m": 250.0, "tau_m": 20.0, "tau_syn_ex": 0.5, "tau_syn_in": 0.5, "t_ref": 2.0,
        "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0,
    }
    j_ex, delay = 20.68015524367846, 1.5
    nest.ResetKernel()
    start = time.perf_counter()
    nest.SetKernelStatus({"resolution": 0.1, "rng_seed": 1, "local_num_threads": threads})
    exc = nest.Create("iaf_psc_alpha", 10000, params=neuron)
    inh = nest.Create("iaf_psc_alpha", 2500, params=neuron)
    noise = nest.Create("poisson_generator", params={"rate": 17789.007714721884})
    spikes = nest.Create("spike_recorder")
    nest.Connect(noise, exc + inh, syn_spec={"weight": j_ex, "delay": delay})
    nest.Connect(exc + inh, spikes)
    nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": 1000},
                 {"weight": j_ex, "delay": delay})
    nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": 250},
                 {"weight": -103.4007762183923, "delay": delay})
    n = nest.GetKernelStatus("num_connections")
    elapsed = time.perf_counter() - start
    assert n > 15_000_000, n
    return elapsed


def brunel_cli(binary, threads, folder):
    text = re.sub(r"(?m)^time = .*$", "time = 0.0", BRUNEL.read_text())
    scenario = Path(folder) / "brunel_build.toml"
    scenario.write_text(text)
    stats = Path(folder) / "stats.json"
    subprocess.run(
        [str(binary), "run", str(scenario), "--output", str(Path(folder) / "out.h5"),
         "--overwrite", "--quiet", "--threads", str(threads), "--stats", str(stats)],
        check=True,
    )
    return json.loads(stats.read_text())["build_s"]


def report(name, times):
    print(f"{name}: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
          f"({len(times)} runs)")
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = ap.parse_args()
    binary = Path(os.environ.get("SPINDLE_BIN", REPO / "target" / "release" / "spindle"))
    print(f"threads {args.threads}, {args.repeat} runs each, spindle {nest.__version__}, "
          f"Python {sys.version.split()[0]}")

    report("(a) Create 10^6 iaf_psc_alpha, V_m ~ normal(-58, 10)",
           [create_random_vm(args.threads) for _ in range(args.repeat)])
    py = report("(b) Brunel build, Python script",
                [brunel_python(args.threads) for _ in range(args.repeat)])
    nest.ResetKernel()
    with tempfile.TemporaryDirectory() as folder:
        cli = report("(b) Brunel build, spindle run (build_s)",
                     [brunel_cli(binary, args.threads, folder) for _ in range(args.repeat)])
    print(f"(b) Python / CLI build time: {py / cli:.3f} (target ≤ 1.10)")


if __name__ == "__main__":
    main()
