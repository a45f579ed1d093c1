#!/usr/bin/env python3
"""Statistics of the random connection rules in NEST 3.10, the reference for
tests/rules_statistics.rs.

For every scenario `tests/scenarios/rules_*.toml` this builds the network in NEST (with
`scripts/nest_run_scenario.py`'s mapping) for several seeds, measures the wiring among the
neurons and the firing of the network, and writes the mean and standard deviation over the
seeds of each quantity to `tests/data/rules_stats.json`:

* `connections`: neuron → neuron connections;
* `indegree_mean`, `indegree_var`, `outdegree_mean`, `outdegree_var`: over all neurons;
* `autapses`, `multapses`: self-connections, and connections that repeat an earlier
  (source, target) pair;
* `abs_weight_mean`, `abs_weight_std`, `delay_mean`, `delay_std`: over the connections;
* `rate`: spikes per neuron per second; `cv`: the mean coefficient of variation of the
  inter-spike intervals of the neurons with at least three spikes.

spindle draws different random numbers from NEST, so its networks are other realisations of
the same ensembles: the test compares its statistics with these within the seed-to-seed
spread, and exactly where NEST's spread is zero.

    pip install -r scripts/requirements-nest.txt
    python3 scripts/rules_golden.py [--seeds 10] [--out tests/data/rules_stats.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nest_run_scenario as nrs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVICES = {"poisson_generator", "spike_generator", "step_current_generator", "dc_generator",
           "spike_recorder", "multimeter", "parrot_neuron"}


def wiring(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, delays: np.ndarray,
           neuron_ids: np.ndarray) -> dict[str, float]:
    lo, hi = int(neuron_ids.min()), int(neuron_ids.max())
    n = hi - lo + 1
    indeg = np.bincount(targets - lo, minlength=n)
    outdeg = np.bincount(sources - lo, minlength=n)
    pairs = sources.astype(np.int64) * (hi + 1) + targets
    return {
        "connections": float(len(sources)),
        "indegree_mean": float(indeg.mean()),
        "indegree_var": float(indeg.var()),
        "outdegree_mean": float(outdeg.mean()),
        "outdegree_var": float(outdeg.var()),
        "autapses": float(np.count_nonzero(sources == targets)),
        "multapses": float(len(pairs) - len(np.unique(pairs))),
        "abs_weight_mean": float(np.abs(weights).mean()),
        "abs_weight_std": float(np.abs(weights).std()),
        "delay_mean": float(delays.mean()),
        "delay_std": float(delays.std()),
    }


def firing(times: np.ndarray, senders: np.ndarray, neuron_ids: np.ndarray, t_ms: float) -> dict[str, float]:
    rate = len(times) / len(neuron_ids) / (t_ms / 1000.0)
    cvs = []
    order = np.lexsort((times, senders))
    times, senders = times[order], senders[order]
    bounds = np.searchsorted(senders, neuron_ids), np.searchsorted(senders, neuron_ids, side="right")
    for a, b in zip(*bounds):
        if b - a >= 3:
            isi = np.diff(times[a:b])
            cvs.append(isi.std() / isi.mean())
    return {"rate": float(rate), "cv": float(np.mean(cvs)) if cvs else 0.0}


def measure(nest, path: Path, seed: int) -> dict[str, float]:
    scenario = nrs.load_scenario(path)
    nrs.build(nest, scenario, threads=1, seed=seed)
    neurons = [e for e in scenario.nodes if e.model not in DEVICES]
    ids = np.concatenate([np.asarray(e.nodes.tolist()) for e in neurons])
    collection = neurons[0].nodes
    for e in neurons[1:]:
        collection = collection + e.nodes
    conns = nest.GetConnections(source=collection, target=collection)
    got = conns.get(["source", "target", "weight", "delay"], output="pandas")
    stats = wiring(got["source"].to_numpy(), got["target"].to_numpy(), got["weight"].to_numpy(),
                   got["delay"].to_numpy(), ids)
    total = sum(scenario.chunks)
    for chunk in scenario.chunks:
        nest.Simulate(chunk)
    recorder = next(e for e in scenario.nodes if e.model == "spike_recorder")
    events = recorder.nodes.get("events")
    stats.update(firing(np.asarray(events["times"]), np.asarray(events["senders"]), ids, total))
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "tests/data/rules_stats.json")
    args = parser.parse_args()
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    result: dict[str, object] = {
        "nest_version": nest.__version__,
        "seeds": list(range(1, args.seeds + 1)),
        "scenarios": {},
    }
    for path in sorted((ROOT / "tests/scenarios").glob("rules_*.toml")):
        runs = [measure(nest, path, seed) for seed in result["seeds"]]
        summary = {
            key: {"mean": float(np.mean([r[key] for r in runs])),
                  "sd": float(np.std([r[key] for r in runs], ddof=1))}
            for key in runs[0]
        }
        result["scenarios"][path.stem] = summary
        print(f"{path.stem}: rate {summary['rate']['mean']:.2f} ± {summary['rate']['sd']:.2f} Hz, "
              f"cv {summary['cv']['mean']:.3f}, connections {summary['connections']['mean']:.0f}",
              file=sys.stderr)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
