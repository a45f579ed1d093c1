#!/usr/bin/env python3
"""Growing a built network costs in proportion to the growth (issue 10's target).

Builds the Brunel network of `benches/scenarios/brunel_alpha.toml` (12 500 neurons, 15.6
million synapses) from Python, forces the build (`nest.num_connections` builds what is not
built), simulates 10 ms, then adds about 1 % more connections (fixed in-degree 10 E + 2.5 I →
12 per neuron, ≈150 000 synapses) and times the build of just those, and finally a second
Simulate. Prints both build times and their ratio; the ratio should be about the share of
connections added (≈1 %), not 100 % as a rebuild would cost.

    pip install ./crates/spindle-py && python3 scripts/bench_grow.py [--threads 2]
"""
import argparse
import time

import spindle as nest

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.SetKernelStatus({"resolution": 0.1, "rng_seed": 1, "local_num_threads": args.threads})
params = dict(C_m=250.0, tau_m=20.0, tau_syn_ex=0.5, tau_syn_in=0.5, t_ref=2.0, E_L=0.0,
              V_reset=0.0, V_m=0.0, V_th=20.0)
w, g = 20.68015524367846, 5.0

t0 = time.perf_counter()
exc = nest.Create("iaf_psc_alpha", 10000, params)
inh = nest.Create("iaf_psc_alpha", 2500, params)
noise = nest.Create("poisson_generator", params={"rate": 17789.007714721884})
spikes = nest.Create("spike_recorder")
nest.Connect(noise, exc + inh, syn_spec={"weight": w, "delay": 1.5})
nest.Connect(exc + inh, spikes)
nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": 1000}, {"weight": w, "delay": 1.5})
nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": 250}, {"weight": -g * w, "delay": 1.5})
n_before = nest.num_connections
build = time.perf_counter() - t0
nest.Simulate(10.0)

t0 = time.perf_counter()
nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": 10}, {"weight": w, "delay": 1.5})
nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": 2}, {"weight": -g * w, "delay": 1.5})
n_after = nest.num_connections
grow = time.perf_counter() - t0
nest.Simulate(10.0)

added = n_after - n_before
print(f"threads={args.threads} connections={n_before} build_s={build:.3f}")
print(f"added={added} ({100 * added / n_before:.2f} %) grow_s={grow:.4f} "
      f"grow/build={100 * grow / build:.2f} %")
