#!/usr/bin/env python3
"""Reference statistics of NEST 3.10's stochastic neurons for spindle-models' tests
(tests/stochastic_statistics.rs): pp_psc_delta, the four gif models and iaf_psc_exp's
stochastic threshold.

NEST draws from its own generator and spindle from per-neuron streams, so their spike trains
agree in distribution only. Each scenario runs `NEURONS` independent neurons (split over
`len(SEEDS)` NEST seeds) with a constant drive and writes, in nest_golden.py's format,
the scenario and `stat` lines: the mean over neurons of the firing rate (1/s) and of the CV
of the inter-spike intervals (neurons with at least 3 spikes; std with ddof 0 over mean),
each with its standard error (std over neurons, ddof 1, over sqrt(count)). A spike of
multiplicity m counts m times (zero intervals).

Usage: python3 scripts/stochastic_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import math

import nest

from nest_golden import header, write

NEURONS = 400
SEEDS = (11, 22, 33, 44)


def stats(trains, T):
    rates = [len(t) / (T * 1e-3) for t in trains]
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = [float(b - a) for a, b in zip(t, t[1:])]
            m = sum(isi) / len(isi)
            sd = math.sqrt(sum((x - m) ** 2 for x in isi) / len(isi))
            cvs.append(sd / m)

    def mean_se(xs):
        m = sum(xs) / len(xs)
        var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
        return m, math.sqrt(var / len(xs))

    return mean_se(rates), mean_se(cvs), len(cvs)


def scenario(model, name, h, T, params, currents):
    trains = []
    per_seed = NEURONS // len(SEEDS)
    for seed in SEEDS:
        nest.ResetKernel()
        nest.set_verbosity("M_ERROR")
        nest.rng_seed = seed
        nest.resolution = h
        pop = nest.Create(model, per_seed, params=params)
        for (start, stop, amp, w, d, rec) in currents:
            g = nest.Create("dc_generator", params={"amplitude": amp, "start": start, "stop": stop})
            nest.Connect(g, pop, syn_spec={"weight": w, "delay": d, "receptor_type": rec})
        sr = nest.Create("spike_recorder")
        nest.Connect(pop, sr)
        nest.Simulate(T)
        ev = sr.get("events")
        by_node = {n: [] for n in pop.tolist()}
        for s, t in zip(ev["senders"], ev["times"]):
            by_node[s].append(t)
        trains += [sorted(v) for v in by_node.values()]
    (rate, rate_se), (cv, cv_se), n_cv = stats(trains, T)
    lines = header(model, h, T, params, [], currents)
    lines += [f"neurons {NEURONS}", f"stat rate {rate!r} {rate_se!r}", f"stat cv {cv!r} {cv_se!r}",
              f"stat cv_neurons {float(n_cv)!r} 0.0"]
    write(model, "stats_" + name, lines)
    print(f"{model}/{name}: rate {rate:.3f} ± {rate_se:.3f} 1/s, CV {cv:.4f} ± {cv_se:.4f} ({n_cv} neurons)")


def main():
    # iaf_psc_exp: stochastic threshold below a subthreshold drive (it fires in the refractory
    # period too).
    scenario("iaf_psc_exp", "threshold_h0.1", 0.1, 2000.0,
             {"delta": 2.0, "rho": 50.0, "I_e": 300.0}, [])
    scenario("iaf_psc_exp", "threshold_refractory_h0.01", 0.01, 1000.0,
             {"delta": 0.5, "rho": 400.0, "t_ref": 5.0, "V_th": -60.0, "V_reset": -60.5,
              "I_e": 200.0}, [])
    # pp_psc_delta: fixed dead time with reset and adaptation; Poisson counts without dead time;
    # gamma dead time.
    scenario("pp_psc_delta", "dead_time_adaptation_h0.1", 0.1, 2000.0,
             {"c_2": 20.0, "I_e": 100.0, "dead_time": 2.0, "tau_sfa": [50.0], "q_sfa": [2.0]}, [])
    scenario("pp_psc_delta", "poisson_counts_h0.1", 0.1, 2000.0,
             {"c_1": 2.0, "c_2": 30.0, "dead_time": 0.0, "with_reset": False,
              "tau_sfa": [30.0, 200.0], "q_sfa": [1.0, 0.2]}, [(0.0, 2000.0, 80.0, 1.0, 1.0, 0)])
    scenario("pp_psc_delta", "gamma_dead_time_h0.1", 0.1, 2000.0,
             {"c_2": 200.0, "dead_time": 10.0, "dead_time_random": True, "dead_time_shape": 3},
             [])
    # gif: escape noise with both kernels.
    kernels = {"tau_stc": [10.0, 100.0], "q_stc": [20.0, 5.0], "tau_sfa": [20.0, 200.0],
               "q_sfa": [5.0, 1.0]}
    scenario("gif_psc_exp", "escape_h0.1", 0.1, 2000.0, dict(kernels, I_e=150.0), [])
    scenario("gif_psc_exp", "escape_h0.01", 0.01, 1000.0,
             dict(kernels, I_e=160.0, Delta_V=2.0, lambda_0=20.0), [])
    scenario("gif_cond_exp", "escape_h0.1", 0.1, 2000.0, dict(kernels, I_e=150.0),
             [(0.0, 2000.0, 20.0, 1.0, 1.0, 0)])
    scenario("gif_psc_exp_multisynapse", "escape_h0.1", 0.1, 2000.0,
             dict(kernels, I_e=140.0, tau_syn=[2.0, 5.0]), [(0.0, 2000.0, 20.0, 1.0, 1.0, 0)])
    scenario("gif_cond_exp_multisynapse", "escape_h0.1", 0.1, 2000.0,
             dict(kernels, I_e=140.0, Delta_V=1.0, tau_syn=[2.0, 5.0], E_rev=[0.0, -80.0]),
             [(0.0, 2000.0, 20.0, 1.0, 1.0, 0)])


if __name__ == "__main__":
    main()
