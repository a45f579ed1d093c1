#!/usr/bin/env python3
"""The Potjans–Diesmann microcircuit benchmark: the published PyNEST model code
(`benches/microcircuit/`, import changed to `spindle`) on spindle or on NEST 3.10.

    python scripts/bench_microcircuit.py run --simulator spindle --scale 0.1 --seeds 1 2 3 \\
        --out pd_spindle_0.1.json
    python scripts/bench_microcircuit.py run --simulator nest --scale 0.1 --seeds 1 2 3 \\
        --out pd_nest_0.1.json
    python scripts/bench_microcircuit.py compare pd_spindle_0.1.json pd_nest_0.1.json

`run` runs every seed in a fresh process (so that its peak memory is its own), each as the
model's example does — `Network(...)`, `create()`, `connect()` (which ends with NEST's
`Prepare`/`Cleanup`, where both simulators build the network), `simulate(t_presim)`,
`simulate(t_sim)` — with `N_scaling = K_scaling = scale` as the model code has them, and
prints per seed: build time (Network + create + connect), presimulation and simulation wall
time, the real-time factor (simulation wall time / t_sim), the peak resident memory of the
process (`ru_maxrss`), and per population the mean firing rate (all neurons, silent ones
included) and the mean ISI CV (neurons with more than two spikes) over the simulation
interval [t_presim, t_presim + t_sim] — the definitions of the model's
`helpers.time_averaged_single_neuron_firing_rates` and `helpers.single_neuron_isi_cvs`,
vectorised. The spikes are read back from the ASCII files the model's spike recorders wrote.

`compare A.json B.json` prints, per population, both sides' mean over seeds ± the standard
error of that mean, z = (mean_A − mean_B) / sqrt(se_A² + se_B²) — with a few seeds per side,
|z| < 3 is agreement within sampling error — and the relative difference. With `--reference` (no second file) side
A is compared with the model's published full-scale NEST rates (`full_mean_rates` in
`network_params.py`, one NEST run with 4 threads).

Peak memory of a NEST run at a scale that does not fit is not measured: `nest_estimate`
prints NEST's need from its bytes per synapse measured at a smaller scale.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODEL = Path(__file__).resolve().parents[1] / "benches" / "microcircuit"


def one_run(args) -> dict:
    """One seed in this process: the model code, timed; the statistics from its files."""
    if args.simulator == "nest":
        import nest

        sys.modules["spindle"] = nest  # the model code says `import spindle as nest`
    sys.path.insert(0, str(MODEL))
    from microcircuit import network
    from microcircuit.network_params import default_net_dict as net_dict
    from microcircuit.sim_params import default_sim_dict as sim_dict
    from microcircuit.stimulus_params import default_stim_dict as stim_dict

    net_dict["N_scaling"] = args.scale
    net_dict["K_scaling"] = args.scale
    net_dict["bg_input_type"] = args.bg
    sim_dict["data_path"] = args.data + "/"
    sim_dict["local_num_threads"] = args.threads
    sim_dict["rng_seed"] = args.seed
    sim_dict["print_time"] = False
    sim_dict["t_presim"] = args.t_presim
    sim_dict["t_sim"] = args.t_sim

    # Wall and CPU seconds (all threads of the process): on a machine that other work
    # shares, CPU seconds say what the run cost where wall seconds say how long it waited.
    t0, c0 = time.perf_counter(), time.process_time()
    net = network.Network(sim_dict, net_dict, stim_dict)
    net.create()
    net.connect()
    t1, c1 = time.perf_counter(), time.process_time()
    net.simulate(sim_dict["t_presim"])
    t2, c2 = time.perf_counter(), time.process_time()
    net.simulate(sim_dict["t_sim"])
    t3, c3 = time.perf_counter(), time.process_time()

    n_synapses = int(np.sum(net.num_synapses))
    interval = (sim_dict["t_presim"], sim_dict["t_presim"] + sim_dict["t_sim"])
    stats = population_stats(args.data, interval)
    return {
        "simulator": args.simulator,
        "scale": args.scale,
        "seed": args.seed,
        "threads": args.threads,
        "bg_input_type": args.bg,
        "neurons": int(np.sum(net.num_neurons)),
        "recurrent_synapses": n_synapses,
        "build_s": t1 - t0,
        "presim_s": t2 - t1,
        "sim_s": t3 - t2,
        "build_cpu_s": c1 - c0,
        "presim_cpu_s": c2 - c1,
        "sim_cpu_s": c3 - c2,
        "t_sim_ms": sim_dict["t_sim"],
        "rtf": (t3 - t2) / (sim_dict["t_sim"] / 1000.0),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        **stats,
    }


def population_stats(data: str, interval) -> dict:
    """Mean rate (spikes/s, all neurons) and mean ISI CV (neurons with > 2 spikes) per
    population, from the spike recorders' ASCII files (one per recorder and thread, in
    population order) and the model's `population_nodeids.dat`."""
    first_last = np.loadtxt(os.path.join(data, "population_nodeids.dat"), dtype=np.int64, ndmin=2)
    files = sorted(f for f in os.listdir(data) if f.startswith("spike_recorder"))
    recorders = sorted({f.rsplit("-", 1)[0] for f in files})
    rates, cvs, n_cv = [], [], []
    t0, t1 = interval
    for (first, last), rec in zip(first_last, recorders):
        rows = [np.loadtxt(os.path.join(data, f), skiprows=3, ndmin=2) for f in files
                if f.rsplit("-", 1)[0] == rec]
        rows = np.concatenate([r for r in rows if r.size] or [np.zeros((0, 2))])
        senders, times = rows[:, 0].astype(np.int64), rows[:, 1]
        keep = (times >= t0) & (times <= t1)
        senders, times = senders[keep], times[keep]
        n = last - first + 1
        counts = np.bincount(senders - first, minlength=n)
        rates.append(float(counts.mean() / (t1 - t0) * 1e3))
        order = np.lexsort((times, senders))
        senders, times = senders[order], times[order]
        isi = np.diff(times)
        same = senders[1:] == senders[:-1]
        idx = senders[1:][same] - first
        isi = isi[same]
        k = np.bincount(idx, minlength=n)
        s1 = np.bincount(idx, isi, minlength=n)
        s2 = np.bincount(idx, isi * isi, minlength=n)
        ok = counts > 2
        mean = s1[ok] / k[ok]
        std = np.sqrt(np.maximum(s2[ok] / k[ok] - mean * mean, 0.0))
        cv = std / mean
        cvs.append(float(cv.mean()) if len(cv) else float("nan"))
        n_cv.append(int(ok.sum()))
    return {"rates": rates, "cvs": cvs, "neurons_with_cv": n_cv}


POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]


def run(args) -> None:
    results = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="pd_") as data:
            cmd = [sys.executable, __file__, "_one", "--simulator", args.simulator,
                   "--scale", str(args.scale), "--seed", str(seed), "--threads",
                   str(args.threads), "--t-presim", str(args.t_presim), "--t-sim",
                   str(args.t_sim), "--bg", args.bg, "--data", data]
            # NEST's OpenMP threads spin while they wait; on a machine with other load that
            # costs it orders of magnitude, so they wait passively here.
            env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
            out = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if out.returncode != 0:
                sys.exit(f"seed {seed} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(
            f"{r['simulator']} scale {r['scale']} seed {seed}: {r['neurons']} neurons, "
            f"{r['recurrent_synapses']:.3e} synapses, build {r['build_s']:.1f} s "
            f"({r['build_cpu_s']:.1f} CPU s), presim {r['presim_s']:.1f} s, sim "
            f"{r['sim_s']:.1f} s ({r['sim_cpu_s']:.1f} CPU s; RTF {r['rtf']:.1f}), peak RSS "
            f"{r['peak_rss_mb']:.0f} MB"
        )
        print("  rates " + " ".join(f"{p}={v:.3f}" for p, v in zip(POPS, r["rates"])))
        print("  CVs   " + " ".join(f"{p}={v:.3f}" for p, v in zip(POPS, r["cvs"])))
        sys.stdout.flush()
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))


def summary(results, key):
    v = np.array([r[key] for r in results], dtype=float)
    se = v.std(axis=0, ddof=1) / np.sqrt(len(v)) if len(v) > 1 else np.full(v.shape[1], np.nan)
    return v.mean(axis=0), se


def compare(args) -> None:
    a = json.loads(Path(args.a).read_text())
    label_a = f"{a[0]['simulator']} ({len(a)} seeds)"
    if args.reference:
        sys.path.insert(0, str(MODEL))
        from microcircuit.network_params import default_net_dict

        b = None
        ref = np.asarray(default_net_dict["full_mean_rates"])
        label_b = "published NEST (1 run)"
    else:
        b = json.loads(Path(args.b).read_text())
        label_b = f"{b[0]['simulator']} ({len(b)} seeds)"
    worst = 0.0
    for key, what in (("rates", "rate (spikes/s)"), ("cvs", "ISI CV")):
        ma, sa = summary(a, key)
        if b is None:
            if key != "rates":
                continue
            mb, sb = ref, np.zeros_like(ref)
        else:
            mb, sb = summary(b, key)
        print(f"\n{what}: {label_a} vs {label_b}")
        print(f"{'pop':6} {'A':>16} {'B':>16} {'z':>7} {'A/B-1':>7}")
        for p, x, ex, y, ey in zip(POPS, ma, sa, mb, sb):
            z = (x - y) / np.sqrt(ex * ex + ey * ey) if ex or ey else float("nan")
            worst = max(worst, abs(z)) if np.isfinite(z) else worst
            rel = f"{100 * (x / y - 1):6.1f}%" if y else "      -"
            print(f"{p:6} {x:9.3f} ± {ex:5.3f} {y:9.3f} ± {ey:5.3f} {z:7.2f} {rel}")
    for key in ("build_s", "build_cpu_s", "sim_s", "sim_cpu_s", "rtf", "peak_rss_mb"):
        line = f"{key}: A {np.mean([r.get(key, np.nan) for r in a]):.2f}"
        if b is not None:
            line += f", B {np.mean([r.get(key, np.nan) for r in b]):.2f}"
        print(line)
    print(f"largest |z|: {worst:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("run", "_one"):
        p = sub.add_parser(name)
        p.add_argument("--simulator", choices=("spindle", "nest"), default="spindle")
        p.add_argument("--scale", type=float, default=0.1)
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--t-presim", type=float, default=500.0)
        p.add_argument("--t-sim", type=float, default=1000.0)
        p.add_argument("--bg", choices=("dc", "poisson"), default="dc",
                       help="background drive (the model's default is dc)")
        if name == "run":
            p.add_argument("--seeds", type=int, nargs="+", default=[55])
            p.add_argument("--out")
        else:
            p.add_argument("--seed", type=int, required=True)
            p.add_argument("--data", required=True)
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b", nargs="?")
    c.add_argument("--reference", action="store_true")
    args = ap.parse_args()
    if args.cmd == "_one":
        r = one_run(args)
        print(json.dumps(r))
    elif args.cmd == "run":
        run(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
