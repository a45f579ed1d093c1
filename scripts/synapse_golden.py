#!/usr/bin/env python3
"""Golden data of plastic synapses from NEST 3.10: final weights and synapse state.

    scripts/synapse_golden.py [STEM ...] [--check]

For each scenario `tests/scenarios/<stem>.toml` of `STEMS` (or the named ones), builds the
network in NEST with `scripts/nest_run_scenario.py`'s builder (one thread), runs its
`[simulate]` chunks and writes `tests/data/<stem>.synapses.json`: after every chunk, every
connection whose model is not `static_synapse`, in NEST's `GetConnections` order, as
(source, target, synapse_model, weight, delay, {state key: value}) with the state keys
`Kplus`, `Kplus_triplet`, `u`, `x`, `y`, `a`, `c`, `n` the model has (the weight of a model with
a common weight is the model's), and at the end every spike recorder's
(senders, times in steps). `tests/plastic_synapses_nest.rs` replays it. With `--check` the
committed file is compared instead of written. `--dump SCENARIO OUT` runs any scenario with
whatever `import nest` gives and writes the same data (`scripts/differential.py`).

Pinned to NEST 3.10.0, as `generate_golden.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import nest_run_scenario as runner  # noqa: E402

REQUIRED_NEST_VERSION = "3.10.0"
STEMS = ["stdp_synapses", "stdp_synapses_001", "synapse_models", "random_synapse_limits",
         "stdp_dopamine", "stdp_dopamine_md2"]
# The synapse state recorded beside the weight.
# The compact static store (spindle lists its synapses as static_synapse).
STATIC = ("static_synapse", "static_synapse_hpc")
STATE_KEYS = ("Kplus", "Kplus_triplet", "u", "x", "y", "a", "c", "n")


def connections(nest) -> list:
    rows = []
    conns = nest.GetConnections()
    if len(conns) == 0:
        return rows
    for c in _records(conns):
        if c["synapse_model"] in STATIC:
            continue
        state = {k: float(c[k]) for k in STATE_KEYS if c.get(k) is not None}
        weight = c.get("weight")
        if weight is None:
            # A model with a common weight (static_synapse_hom_w, tsodyks_synapse_hom) lists
            # none per connection: the model's.
            weight = nest.GetDefaults(c["synapse_model"], "weight")
        rows.append(
            [int(c["source"]), int(c["target"]), c["synapse_model"], float(weight),
             float(c["delay"]), state]
        )
    return rows


def _records(conns) -> list:
    d = conns.get()
    keys = list(d)
    n = len(d["source"])
    return [{k: d[k][i] for k in keys if isinstance(d[k], (list, tuple))} for i in range(n)]


def golden(stem: str) -> dict:
    return run(REPO / "tests" / "scenarios" / f"{stem}.toml", pinned=True)


def run(path: Path, pinned: bool) -> dict:
    """The synapse rows after every chunk and the spikes of `path`'s scenario, built by
    whatever `import nest` gives (NEST, or spindle through `scripts/nest_shim`, which is how
    `scripts/differential.py` compares the two); `pinned` requires NEST 3.10.0."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    if pinned and nest.__version__ != REQUIRED_NEST_VERSION:
        sys.exit(f"synapse_golden: NEST {nest.__version__}, need {REQUIRED_NEST_VERSION}")
    nest.verbosity = nest.VerbosityLevel.ERROR
    scenario = runner.load_scenario(path)
    runner.build(nest, scenario, 1, scenario.seed)
    chunks = []
    for chunk in scenario.chunks:
        nest.Simulate(chunk)
        chunks.append(connections(nest))
    spikes = {}
    for entry in scenario.nodes:
        if entry.model == "spike_recorder":
            ev = entry.nodes.get("events")
            spikes[entry.name] = {
                "senders": [int(s) for s in ev["senders"]],
                "steps": [int(round(t / scenario.resolution)) for t in ev["times"]],
            }
    return {"nest_version": nest.__version__, "chunks": chunks, "spikes": spikes}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("stems", nargs="*")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--dump", nargs=2, metavar=("SCENARIO", "OUT"),
                    help="run any scenario with whatever `import nest` gives, write OUT (json)")
    args = ap.parse_args()
    if args.dump:
        data = run(Path(args.dump[0]), pinned=False)
        Path(args.dump[1]).write_text(json.dumps(data))
        return 0
    for stem in args.stems or STEMS:
        data = golden(stem)
        path = REPO / "tests" / "data" / f"{stem}.synapses.json"
        text = json.dumps(data, indent=None, separators=(",", ":")) + "\n"
        if args.check:
            if path.read_text() != text:
                print(f"{path}: differs from NEST's output", file=sys.stderr)
                return 1
        else:
            path.write_text(text)
            print(f"{path}: {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
