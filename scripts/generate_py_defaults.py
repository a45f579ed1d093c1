#!/usr/bin/env python3
"""Write NEST 3.10's model defaults for spindle's Python front end.

    scripts/generate_py_defaults.py [--check]

`spindle.GetDefaults(model)` and `nodes.get(...)` report a parameter that a script never set
with NEST's default value. Those values are taken from NEST 3.10.0 itself by this script
(`nest.GetDefaults` of every model spindle implements) and written to
`crates/spindle-py/python/spindle/nest_defaults.json`; the package reads that file and needs
no NEST. Run-time information (ids, threads, memory sizes, empty event buffers) is left out.
With `--check` nothing is written: the committed file is compared with what NEST gives now.

Needs `pip install -r scripts/requirements-nest.txt`; any NEST but 3.10.0 is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REQUIRED_NEST_VERSION = "3.10.0"
REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "crates" / "spindle-py" / "python" / "spindle" / "nest_defaults.json"

# Every model of spindle's registry (crates/spindle/src/registry.rs); the pytest suite checks
# that this list and the registry agree.
MODELS = [
    "aeif_cond_alpha",
    "aeif_cond_alpha_multisynapse",
    "aeif_cond_beta_multisynapse",
    "aeif_cond_exp",
    "aeif_psc_alpha",
    "aeif_psc_delta",
    "aeif_psc_exp",
    "glif_cond",
    "glif_psc",
    "glif_psc_double_alpha",
    "hh_cond_beta_gap_traub",
    "hh_cond_exp_traub",
    "hh_psc_alpha",
    "iaf_cond_alpha",
    "iaf_cond_beta",
    "iaf_cond_exp",
    "iaf_cond_exp_sfa_rr",
    "iaf_psc_alpha",
    "iaf_psc_alpha_multisynapse",
    "iaf_psc_delta",
    "iaf_psc_exp",
    "iaf_psc_exp_htum",
    "iaf_psc_exp_multisynapse",
    "ignore_and_fire",
    "izhikevich",
    "mat2_psc_exp",
    "amat2_psc_exp",
    "parrot_neuron",
    "pp_psc_delta",
    "gif_psc_exp",
    "gif_cond_exp",
    "gif_psc_exp_multisynapse",
    "gif_cond_exp_multisynapse",
    "spike_generator",
    "step_current_generator",
    "dc_generator",
    "poisson_generator",
    "spike_recorder",
    "multimeter",
    "voltmeter",
    "weight_recorder",
    "ac_generator",
    "noise_generator",
    "sinusoidal_poisson_generator",
    "pulsepacket_generator",
    "inhomogeneous_poisson_generator",
    "gamma_sup_generator",
    "ppd_sup_generator",
    "mip_generator",
    "sinusoidal_gamma_generator",
    "spike_train_injector",
    "iaf_tum_2000",
    "iaf_chxk_2008",
    "volume_transmitter",
    "correlation_detector",
    "correlomatrix_detector",
    "static_synapse",
    "stdp_synapse",
    "stdp_synapse_hom",
    "stdp_pl_synapse_hom",
    "tsodyks2_synapse",
    "stdp_triplet_synapse",
    "stdp_nn_symm_synapse",
    "stdp_nn_restr_synapse",
    "stdp_nn_pre_centered_synapse",
    "vogels_sprekeler_synapse",
    "tsodyks_synapse",
    "tsodyks_synapse_hom",
    "static_synapse_hom_w",
    "static_synapse_hpc",
    "static_synapse_hom_w_hpc",
    "stdp_synapse_hpc",
    "stdp_synapse_hom_hpc",
    "stdp_pl_synapse_hom_hpc",
    "stdp_triplet_synapse_hpc",
    "stdp_nn_symm_synapse_hpc",
    "stdp_nn_restr_synapse_hpc",
    "stdp_nn_pre_centered_synapse_hpc",
    "vogels_sprekeler_synapse_hpc",
    "tsodyks_synapse_hpc",
    "tsodyks_synapse_hom_hpc",
    "tsodyks2_synapse_hpc",
    "bernoulli_synapse",
    "bernoulli_synapse_hpc",
    "quantal_stp_synapse",
    "quantal_stp_synapse_hpc",
    "stdp_dopamine_synapse",
    "stdp_dopamine_synapse_hpc",
]

# Facts of a node instance or of NEST's memory management, not parameters.
SKIP = {
    "available",
    "capacity",
    "elementsize",
    "events",
    "global_id",
    "instantiations",
    "local",
    "model_id",
    "n_events",
    "synapse_modelid",
    "sizeof",
    "thread",
    "thread_local_id",
    "type_id",
    "vp",
}


def plain(value):
    """A JSON-able copy of a NEST value (numpy arrays and scalars become lists and numbers)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def defaults() -> dict:
    import nest

    if nest.__version__ != REQUIRED_NEST_VERSION:
        sys.exit(f"NEST {REQUIRED_NEST_VERSION} is required, found {nest.__version__}")
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    table = {}
    for model in MODELS:
        d = nest.GetDefaults(model)
        table[model] = {k: plain(v) for k, v in sorted(d.items()) if k not in SKIP}
    return {"nest_version": REQUIRED_NEST_VERSION, "models": table}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    args = ap.parse_args()
    text = json.dumps(defaults(), indent=1, sort_keys=True) + "\n"
    if args.check:
        if OUT.read_text() != text:
            sys.exit(f"{OUT} differs from what NEST gives now")
        print(f"{OUT}: up to date")
        return
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
