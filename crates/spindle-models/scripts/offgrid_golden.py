#!/usr/bin/env python3
"""Golden traces of NEST 3.10's two neuron models that send spikes with an offset,
iaf_tum_2000 and iaf_chxk_2008, for spindle-models' tests (tests/offgrid_nest_golden.rs).
Format and runner: nest_golden.py, with `offsets=True`: the spike recorder records steps and
offsets, and the files carry the offset of every spike (iaf_tum_2000: the fraction u*x its
short-term plasticity releases; iaf_chxk_2008: the time from the threshold crossing to the end
of the step), so the tests check the state each spike carries, not only its step.

iaf_tum_2000: a dc drive makes it fire repeatedly (defaults, facilitating and depressing
parameter sets, tau_fac = 0), with spikes of both signs on receptor 0 and spikes on receptor 1,
which a spike generator's spikes (offset 0) must leave without effect, and currents on both
receptors. iaf_chxk_2008: dc and step currents with mixed-sign spikes, defaults and every
parameter moved, ahp_bug on and off, at h = 0.1 and 0.01 ms.

Usage: python3 scripts/offgrid_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run


def main():
    rng = random.Random(20261207)

    # --- iaf_tum_2000 ---------------------------------------------------------------------------
    model = "iaf_tum_2000"
    rec = ["V_m", "I_syn_ex", "I_syn_in"]
    spikes = random_spikes(rng, 100, 390.0, (-300.0, 400.0), receptors=(0, 0, 1))
    run(model, "defaults_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 350.0, 480.0, 1.0, 1.0, 0), (100.0, 300.0, 50.0, 1.0, 0.5, 1)], rec, 7,
        offsets=True)
    # Facilitation (the example's synapse), every membrane parameter moved, h = 0.01.
    params = {"E_L": -65.0, "V_th": -50.0, "V_reset": -68.0, "t_ref": 1.55, "tau_m": 15.0,
              "C_m": 200.0, "tau_syn_ex": 0.5, "tau_syn_in": 3.0, "I_e": 260.0, "V_m": -60.0,
              "U": 0.03, "tau_psc": 1.5, "tau_rec": 130.0, "tau_fac": 530.0, "x": 0.9, "y": 0.05,
              "u": 0.1}
    run(model, "facilitation_h0.01", 0.01, 300.0, params,
        random_spikes(rng, 150, 295.0, (-150.0, 200.0), grid=0.01, receptors=(0, 1)),
        [(0.0, 300.0, 100.0, 1.0, 1.0, 0)], rec, 23, offsets=True)
    # Depression without facilitation (tau_fac = 0), a full pool at the start.
    params = {"U": 0.5, "tau_psc": 3.0, "tau_rec": 800.0, "tau_fac": 0.0, "x": 1.0, "u": 0.0,
              "E_L": 0.0, "V_th": 15.0, "V_reset": 0.0, "V_m": 0.0, "tau_m": 40.0, "C_m": 400.0}
    run(model, "depression_h0.1", 0.1, 600.0, params, [],
        [(0.0, 500.0, 300.0, 1.0, 1.0, 0)], rec, 10, offsets=True)

    # --- iaf_chxk_2008 --------------------------------------------------------------------------
    model = "iaf_chxk_2008"
    rec = ["V_m", "g_ex", "g_in", "g_ahp", "I_syn_ex", "I_syn_in", "I_ahp"]
    run(model, "defaults_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 150, 390.0, (-40.0, 60.0)),
        [(0.0, 300.0, 1700.0, 1.0, 1.0, 0), (100.0, 250.0, 600.0, 1.0, 0.5, 0)], rec, 3,
        offsets=True)
    params = {"V_th": -50.0, "g_L": 80.0, "C_m": 800.0, "E_ex": 10.0, "E_in": -85.0,
              "E_L": -65.0, "tau_syn_ex": 0.7, "tau_syn_in": 2.5, "I_e": 900.0, "tau_ahp": 0.8,
              "g_ahp": 300.0, "E_ahp": -90.0, "V_m": -58.0}
    for bug in (False, True):
        run(model, f"params_ahp_bug_{'on' if bug else 'off'}_h0.01", 0.01, 200.0,
            dict(params, ahp_bug=bug),
            random_spikes(rng, 200, 195.0, (-30.0, 50.0), grid=0.01),
            [(0.0, 200.0, 500.0, 1.0, 1.0, 0)], rec, 17, offsets=True)
    # Strong excitation alone drives the crossings (no current).
    run(model, "spikes_only_h0.1", 0.1, 300.0, {"ahp_bug": True},
        random_spikes(rng, 300, 295.0, (0.0, 40.0)), [], rec, 5, offsets=True)


if __name__ == "__main__":
    main()
