#!/usr/bin/env python3
"""Golden traces of NEST 3.10's iaf_psc_alpha, iaf_psc_exp and iaf_cond_exp for spindle-models'
tests (tests/iaf_nest_golden.rs). Format and runner: nest_golden.py.

Every scenario drives one neuron with dc and step currents and with spike generators of positive
and negative weights, multiplicities 1-3 and delays of 0.1-2.3 ms, at h = 0.1 and h = 0.01 ms.

Usage: python3 scripts/iaf_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from nest_golden import run


def random_spikes(rng, n, t_max, weights, grid=0.1, receptors=(0,), mults=(1, 1, 1, 2, 3),
                  delays=(0.1, 1.0, 1.5, 2.3)):
    out = []
    for _ in range(n):
        t = round(round(rng.uniform(1.0, t_max) / grid) * grid, 4)
        out.append((t, rng.choice(delays), rng.choice(receptors), round(rng.uniform(*weights), 3),
                    rng.choice(mults)))
    return out


def main():
    rng = random.Random(20250101)
    rec_psc = ["V_m", "I_syn_ex", "I_syn_in"]

    # --- iaf_psc_alpha -------------------------------------------------------------------------
    # Defaults; a dc drive, a negative step current, mixed-sign spikes with multiplicities.
    run("iaf_psc_alpha", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-300.0, 450.0)),
        [(0.0, 250.0, 420.0, 1.0, 1.0, 0), (100.0, 300.0, -200.0, 1.0, 0.5, 0)], rec_psc, 15)
    # Every parameter moved, E_L changed, t_ref off the grid, strong inhibition against V_min.
    params = {"E_L": -65.0, "V_th": -50.0, "V_reset": -72.0, "V_min": -75.0, "t_ref": 2.55,
              "tau_m": 15.0, "C_m": 200.0, "tau_syn_ex": 0.5, "tau_syn_in": 3.0, "I_e": 350.0,
              "V_m": -60.0}
    spikes = random_spikes(rng, 150, 99.0, (-150.0, 200.0), grid=0.01)
    spikes += [(t, 1.0, 0, -3000.0, 2) for t in (30.0, 30.5, 70.0)]
    run("iaf_psc_alpha", "params_h0.01", 0.01, 100.0, params, spikes,
        [(0.0, 100.0, 120.0, 1.0, 1.0, 0), (40.0, 60.0, 300.0, 2.0, 0.3, 0)], rec_psc, 40)
    # The Brunel benchmark's neuron (E_L = 0, tau_syn 0.5), Brunel's J and -5J weights.
    params = {"C_m": 250.0, "tau_m": 20.0, "tau_syn_ex": 0.5, "tau_syn_in": 0.5, "t_ref": 2.0,
              "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0}
    spikes = [(round(round(rng.uniform(1.0, 299.0) / 0.1) * 0.1, 4), 1.5, 0,
               rng.choice([20.68015524367846] * 4 + [-103.4007762183923]), rng.choice([1, 1, 2, 3, 5]))
              for _ in range(400)]
    run("iaf_psc_alpha", "brunel_h0.1", 0.1, 300.0, params, spikes,
        [(0.0, 300.0, 380.0, 1.0, 1.5, 0)], rec_psc, 12)
    # tau_syn_ex == tau_m (the propagators' singular limit) and tau_syn_in 5e-3 ms away from it.
    params = {"tau_m": 10.0, "tau_syn_ex": 10.0, "tau_syn_in": 10.005}
    run("iaf_psc_alpha", "singular_taus_h0.1", 0.1, 200.0, params,
        random_spikes(rng, 60, 190.0, (-150.0, 200.0)),
        [(0.0, 200.0, 330.0, 1.0, 1.0, 0)], rec_psc, 8)

    # --- iaf_psc_exp ---------------------------------------------------------------------------
    # Defaults; currents on receptor 0 and receptor 1 (filtered by the excitatory synapse).
    run("iaf_psc_exp", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-150.0, 250.0)),
        [(0.0, 250.0, 300.0, 1.0, 1.0, 0), (50.0, 350.0, 250.0, 1.0, 0.5, 1),
         (200.0, 300.0, -150.0, 2.0, 2.0, 1)], rec_psc, 15)
    # t_ref = 0, E_L moved, tau_syn_ex == tau_m (singular), explicit delta = 0, rho changed.
    params = {"E_L": -60.0, "V_th": -52.0, "V_reset": -66.0, "t_ref": 0.0, "tau_m": 8.0,
              "C_m": 180.0, "tau_syn_ex": 8.0, "tau_syn_in": 1.5, "I_e": 90.0, "rho": 0.5,
              "delta": 0.0, "V_m": -55.0}
    run("iaf_psc_exp", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-200.0, 120.0), grid=0.01),
        [(0.0, 100.0, 150.0, 1.0, 1.0, 1), (30.0, 70.0, 200.0, 1.0, 0.2, 0)], rec_psc, 40)

    # --- iaf_cond_exp --------------------------------------------------------------------------
    rec_cond = ["V_m", "g_ex", "g_in"]
    # Defaults; big conductance jumps force rejected RKF45 steps; negative weights -> g_in.
    spikes = random_spikes(rng, 120, 390.0, (-40.0, 60.0))
    spikes += [(t, 1.0, 0, 300.0, 1) for t in (50.0, 50.1, 200.0)]
    spikes += [(t, 1.0, 0, -500.0, 2) for t in (120.0, 320.0)]
    run("iaf_cond_exp", "mixed_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 250.0, 500.0, 1.0, 1.0, 0), (100.0, 300.0, -250.0, 1.0, 0.5, 0)], rec_cond, 15)
    # Every parameter moved, initial conductances, t_ref off the grid.
    params = {"E_L": -65.0, "g_L": 25.0, "C_m": 300.0, "E_ex": 10.0, "E_in": -80.0,
              "tau_syn_ex": 1.0, "tau_syn_in": 5.0, "t_ref": 1.234, "V_th": -50.0,
              "V_reset": -65.0, "I_e": 100.0, "V_m": -58.0, "g_ex": 5.0, "g_in": 2.0}
    run("iaf_cond_exp", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-30.0, 40.0), grid=0.01),
        [(0.0, 100.0, 450.0, 1.0, 1.0, 0), (20.0, 50.0, -300.0, 1.0, 0.4, 0)], rec_cond, 40)


if __name__ == "__main__":
    main()
