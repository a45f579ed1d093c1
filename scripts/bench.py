#!/usr/bin/env python3
"""Macro benchmark: spindle (and optionally NEST 3.10) on whole scenario files.

    scripts/bench.py SCENARIO.toml [SCENARIO.toml ...] [--threads 1,2] [--nest]
                     [--nest-threads 2] [--repeat R] [--stat median|best] [--seeds K]
                     [--wait-idle SECONDS] [--out DIR]
    scripts/bench.py --from-json DIR/bench.json [--out DIR]   # redo the report only

For every scenario and thread count this runs `spindle run SCENARIO --threads N --stats ...`
R times under `/usr/bin/time -v` (for the peak resident set size), and with `--nest` runs
`scripts/nest_run_scenario.py` on the same scenario file the same way. Each process is timed
from the outside (total wall, peak RSS) and reports its own build and simulation times. Of
the R runs of one configuration the median (default) or the best is reported, per quantity;
the md says which. With `--seeds K` both simulators also run seeds 2..K (untimed, at the
highest thread count) and the rate and CV targets are judged on the means over K seeds: one
realisation of a network with synchronous bursts scatters by tens of percent. Other processes
on the machine disturb the timings: each timed run checks that the CPUs are idle first (and
with `--wait-idle` waits for it); the md flags runs that started on a busy machine.

It writes into DIR (default `out/bench/`, which git ignores):

* `bench.md` — the machine, the versions, and per scenario a markdown table (threads, build s,
  simulation s, total wall s, real-time factor, synaptic events/s, peak memory MB, bytes per
  synapse, spikes, mean rate, CV of ISIs), the NEST/spindle ratios, whether spindle's spikes
  are bit-identical across thread counts, and the project's targets with met / not met;
* `bench.json` — every raw number of every run;
* `bench.png` — total wall time and peak memory against threads, spindle against NEST.

Definitions
-----------
* real-time factor = simulation wall time / simulated time;
* synaptic events/s = synaptic events delivered (spindle's `events`: one per synapse per
  delivered spike, one per device connection per step in which the device sends) / simulation
  wall time (NEST does not count them: "—");
* bytes per synapse = peak RSS of the whole process / synapses of the scenario (spindle's
  `synapses`, the same network for both simulators); the synapse store alone is reported too;
* mean rate = spikes recorded / (recorded neurons · simulated time), the recorded neurons being
  the `pre` populations of the connections into each spike recorder (from the scenario file);
* CV of ISIs = mean over recorded neurons with at least 3 spikes of std(ISI) / mean(ISI);
* bit-identical = every spike recorder's `times` and `senders` datasets are equal, byte for
  byte, in the HDF5 files of all spindle thread counts.

Scenarios are copied into a temporary folder and run there, so outputs never land in the repo.
Build spindle first: `cargo build --release -p spindle-cli`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import h5py
import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPINDLE = REPO / "target" / "release" / "spindle"
NEST_RUNNER = REPO / "scripts" / "nest_run_scenario.py"
TIME = "/usr/bin/time"

# The project's targets (docs/performance.md).
TARGET_SPEEDUP_VS_NEST = 3.0  # end-to-end wall, both at 2 threads
TARGET_MEMORY_FRACTION = 1 / 3  # spindle peak RSS <= 1/3 of NEST's
TARGET_BYTES_PER_SYNAPSE = 16.0
TARGET_RATE_TOLERANCE = 0.10  # mean rate within 10 % of NEST's
TARGET_CV_TOLERANCE = 0.10  # "close": |CV_spindle - CV_nest| <= 0.1 (absolute)
TARGET_THREAD_SPEEDUP = 1.6  # spindle 2 threads vs 1, total wall


class BenchError(Exception):
    """A run failed or produced something the harness cannot read."""


# --------------------------------------------------------------------------------------------
# Running one process
# --------------------------------------------------------------------------------------------


# Seconds to wait for the CPUs to go idle before each timed run (--wait-idle).
WAIT_IDLE_S = 0.0
BUSY_THRESHOLD = 0.2


def wait_for_idle() -> float:
    """Wait up to WAIT_IDLE_S for the CPUs to be idle; the busy fraction seen last."""
    deadline = time.monotonic() + WAIT_IDLE_S
    busy = cpu_busy_fraction()
    while busy > BUSY_THRESHOLD and time.monotonic() < deadline:
        time.sleep(2.0)
        busy = cpu_busy_fraction(1.0)
    if busy > BUSY_THRESHOLD:
        log(f"warning: the CPUs are {busy:.0%} busy (other processes) before a timed run; timings may be disturbed")
    return busy


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str, float]:
    """Run `cmd` under /usr/bin/time -v: (wall seconds, peak RSS in MB, stderr of cmd, busy
    fraction of the CPUs just before)."""
    report = cwd / "time-v.txt"
    busy = wait_for_idle()
    full = [TIME, "-v", "-o", str(report), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stderr.strip()}")
    text = report.read_text()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not m:
        raise BenchError(f"no peak RSS in /usr/bin/time's report:\n{text}")
    peak_mb = int(m.group(1)) * 1024 / 1e6
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:  # prefer time's own measurement (it excludes our fork/exec of `time` itself)
        parts = [float(p) for p in m.group(1).split(":")]
        wall = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    return wall, peak_mb, proc.stderr, busy


def cpu_busy_fraction(interval: float = 0.3) -> float:
    """Fraction of all CPUs' time spent busy over `interval` seconds (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        t0, i0 = sample()
        time.sleep(interval)
        t1, i1 = sample()
    except OSError:
        return 0.0
    return 1.0 - (i1 - i0) / max(t1 - t0, 1)


def run_spindle(binary: Path, scenario: Path, threads: int, work: Path, tag: str, seed: int | None = None) -> dict[str, Any]:
    out = work / f"spindle-{tag}.h5"
    stats = work / f"spindle-{tag}.json"
    cmd = [str(binary), "run", str(scenario), "-o", str(out), "--threads", str(threads), "--overwrite", "-q", "--stats", str(stats)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    wall, peak_mb, _, busy = timed(cmd, work)
    s = json.loads(stats.read_text())
    return {
        "busy_before": busy,
        "wall_s": wall,
        "peak_mb": peak_mb,
        "build_s": s["build_s"],
        "simulate_s": s["simulate_s"],
        "simulated_ms": s["simulated_ms"],
        "spikes": s["spikes"],
        "events": s["events"],
        "synapses": s["synapses"],
        "synapse_store_bytes": s["synapse_store_bytes"],
        "nodes": s["nodes"],
        "connections": s["connections"],
        "threads": s["threads"],
        "h5": str(out),
    }


def run_nest(scenario: Path, threads: int, work: Path, tag: str, seed: int | None = None) -> dict[str, Any]:
    out = work / f"nest-{tag}.h5"
    cmd = [sys.executable, str(NEST_RUNNER), str(scenario), "--output", str(out), "--threads", str(threads)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    wall, peak_mb, stderr, busy = timed(cmd, work)
    line = next((ln for ln in stderr.splitlines() if ln.startswith("nest_run_scenario:") and "build_s=" in ln), None)
    if line is None:
        raise BenchError(f"NEST runner printed no measurements:\n{stderr}")
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    return {
        "busy_before": busy,
        "wall_s": wall,
        "peak_mb": peak_mb,
        "build_s": float(kv["build_s"]),
        "simulate_s": float(kv["simulate_s"]),
        "simulated_ms": float(kv["simulated_ms"]),
        "spikes": int(kv["recorded_spikes"]),
        "events": None,
        "connections": int(kv["connections"]),
        "nodes": int(kv["nodes"]),
        "threads": int(kv["threads"]),
        "nest_version": kv["nest"],
        "h5": str(out),
    }


# --------------------------------------------------------------------------------------------
# Spike statistics
# --------------------------------------------------------------------------------------------


def recorded_populations(scenario_path: Path) -> dict[str, int]:
    """Spike recorder name -> number of neurons it records (the `pre` sizes of its connections)."""
    with scenario_path.open("rb") as f:
        doc = tomllib.load(f)
    nodes = {n["name"]: n for n in doc.get("nodes", [])}
    counts: dict[str, int] = {}
    for c in doc.get("connect", []):
        posts = [c["post"]] if isinstance(c["post"], str) else c["post"]
        pres = [c["pre"]] if isinstance(c["pre"], str) else c["pre"]
        for p in posts:
            if nodes[p]["model"] == "spike_recorder":
                counts[p] = counts.get(p, 0) + sum(int(nodes[q].get("n", 1)) for q in pres)
    return counts


def spike_statistics(h5_path: str, recorded: dict[str, int], simulated_ms: float) -> dict[str, Any]:
    """Mean rate (Hz) and mean CV of ISIs over all spike recorders of one output file."""
    spikes, neurons, cvs = 0, 0, []
    with h5py.File(h5_path, "r") as f:
        for name, n in recorded.items():
            times = f[name]["times"][()]
            senders = f[name]["senders"][()]
            spikes += len(times)
            neurons += n
            cvs.extend(isi_cvs(times, senders))
    rate = spikes / (neurons * simulated_ms / 1000.0) if neurons and simulated_ms > 0 else float("nan")
    return {
        "recorded_spikes": spikes,
        "recorded_neurons": neurons,
        "rate_hz": rate,
        "cv_isi": float(np.mean(cvs)) if cvs else float("nan"),
        "cv_neurons": len(cvs),
    }


def isi_cvs(times: np.ndarray, senders: np.ndarray) -> list[float]:
    """CV of the inter-spike intervals of every sender with at least 3 spikes."""
    if len(times) < 3:
        return []
    order = np.lexsort((times, senders))
    t, s = times[order], senders[order]
    isi = np.diff(t)
    same = s[1:] == s[:-1]
    isi, owner = isi[same], s[1:][same]
    ids, start, count = np.unique(owner, return_index=True, return_counts=True)
    keep = count >= 2  # >= 3 spikes
    sums = np.add.reduceat(isi, start) if len(isi) else np.array([])
    sq = np.add.reduceat(isi * isi, start) if len(isi) else np.array([])
    mean = sums[keep] / count[keep]
    var = np.maximum(sq[keep] / count[keep] - mean * mean, 0.0)
    ok = mean > 0
    return list(np.sqrt(var[ok]) / mean[ok])


def spike_fingerprint(h5_path: str, recorders: list[str]) -> dict[str, tuple[bytes, bytes]]:
    with h5py.File(h5_path, "r") as f:
        return {r: (f[r]["times"][()].tobytes(), f[r]["senders"][()].tobytes()) for r in recorders}


# --------------------------------------------------------------------------------------------
# One configuration: R runs, summarised
# --------------------------------------------------------------------------------------------

TIMED_KEYS = ("wall_s", "peak_mb", "build_s", "simulate_s")


def summarise(runs: list[dict[str, Any]], stat: str) -> dict[str, Any]:
    pick = min if stat == "best" else statistics.median
    row = dict(runs[0])
    for k in TIMED_KEYS:
        row[k] = pick([r[k] for r in runs])
    row["runs"] = [{k: r[k] for k in (*TIMED_KEYS, "busy_before")} for r in runs]
    return row


def derive(row: dict[str, Any], synapses: int | None) -> None:
    sim_s, sim_ms = row["simulate_s"], row["simulated_ms"]
    row["real_time_factor"] = sim_s / (sim_ms / 1000.0) if sim_ms > 0 else float("nan")
    row["events_per_s"] = row["events"] / sim_s if row.get("events") is not None and sim_s > 0 else None
    row["bytes_per_synapse"] = row["peak_mb"] * 1e6 / synapses if synapses else None
    if row.get("synapse_store_bytes") is not None and synapses:
        row["store_bytes_per_synapse"] = row["synapse_store_bytes"] / synapses


def bench_scenario(args: argparse.Namespace, source: Path, work: Path) -> dict[str, Any]:
    scenario = work / source.name
    shutil.copy(source, scenario)
    recorded = recorded_populations(scenario)
    result: dict[str, Any] = {"scenario": str(source), "name": source.stem, "spindle": [], "nest": []}

    for threads in args.threads:
        runs = []
        for r in range(args.repeat):
            log(f"{source.name}: spindle, {threads} thread(s), run {r + 1}/{args.repeat}")
            runs.append(run_spindle(args.spindle, scenario, threads, work, f"t{threads}"))
        result["spindle"].append(summarise(runs, args.stat))

    synapses = result["spindle"][0]["synapses"] if result["spindle"] else None
    result["synapses"] = synapses
    for row in result["spindle"]:
        derive(row, synapses)
        row.update(spike_statistics(row["h5"], recorded, row["simulated_ms"]))

    if len(result["spindle"]) > 1:
        prints = [spike_fingerprint(r["h5"], list(recorded)) for r in result["spindle"]]
        result["bit_identical"] = all(p == prints[0] for p in prints[1:])
    else:
        result["bit_identical"] = None

    if args.nest:
        for threads in args.nest_threads:
            runs = []
            for r in range(args.repeat):
                log(f"{source.name}: NEST, {threads} thread(s), run {r + 1}/{args.repeat}")
                runs.append(run_nest(scenario, threads, work, f"t{threads}"))
            row = summarise(runs, args.stat)
            derive(row, synapses)
            row.update(spike_statistics(row["h5"], recorded, row["simulated_ms"]))
            result["nest"].append(row)

    if args.seeds > 1:
        result["activity"] = activity_over_seeds(args, scenario, work, recorded, result)
    return result


def activity_over_seeds(
    args: argparse.Namespace, scenario: Path, work: Path, recorded: dict[str, int], result: dict[str, Any]
) -> dict[str, Any]:
    """Rate and CV of both simulators over `--seeds` seeds (the first is the timed run's).

    One seed is one realisation of the random connectivity and the Poisson drive; in a network
    with synchronous bursts the rate of one realisation over a short run scatters by tens of
    percent, so a rate comparison needs several.
    """
    with scenario.open("rb") as f:
        first = int(tomllib.load(f).get("kernel", {}).get("seed", 1))
    seeds = [first + k for k in range(args.seeds)]
    activity: dict[str, Any] = {"seeds": seeds}
    sims = [("spindle", max(args.threads), result["spindle"])]
    if args.nest:
        sims.append(("nest", max(args.nest_threads), result["nest"]))
    for sim, threads, rows in sims:
        timed_row = by_threads(rows, threads)
        per_seed = [{"seed": first, "rate_hz": timed_row["rate_hz"], "cv_isi": timed_row["cv_isi"]}]
        for seed in seeds[1:]:
            log(f"{scenario.name}: {sim}, {threads} thread(s), seed {seed} (activity only)")
            if sim == "spindle":
                r = run_spindle(args.spindle, scenario, threads, work, "seeds", seed)
            else:
                r = run_nest(scenario, threads, work, "seeds", seed)
            st = spike_statistics(r["h5"], recorded, r["simulated_ms"])
            per_seed.append({"seed": seed, "rate_hz": st["rate_hz"], "cv_isi": st["cv_isi"]})
        rates = [p["rate_hz"] for p in per_seed]
        cvs = [p["cv_isi"] for p in per_seed]
        activity[sim] = {
            "threads": threads,
            "per_seed": per_seed,
            "rate_mean": statistics.mean(rates),
            "rate_sd": statistics.stdev(rates),
            "cv_mean": statistics.mean(cvs),
            "cv_sd": statistics.stdev(cvs),
        }
    return activity


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def fmt(x: Any, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "—"
    if isinstance(x, int):
        return f"{x:,}".replace(",", " ")
    return f"{x:.{digits}f}"


def fmt_rate(x: float | None) -> str:
    return "—" if x is None else f"{x / 1e6:.1f} M"


HEADER = (
    "| simulator | threads | build s | simulation s | total wall s | real-time factor | "
    "synaptic events/s | peak memory MB | bytes/synapse | spikes | mean rate Hz | CV ISI |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def table_row(sim: str, r: dict[str, Any]) -> str:
    return (
        f"| {sim} | {r['threads']} | {fmt(r['build_s'])} | {fmt(r['simulate_s'])} | {fmt(r['wall_s'])} | "
        f"{fmt(r['real_time_factor'])} | {fmt_rate(r['events_per_s'])} | {fmt(r['peak_mb'], 0)} | "
        f"{fmt(r['bytes_per_synapse'], 1)} | {fmt(r['recorded_spikes'])} | {fmt(r['rate_hz'])} | {fmt(r['cv_isi'], 3)} |"
    )


def by_threads(rows: list[dict[str, Any]], threads: int) -> dict[str, Any] | None:
    return next((r for r in rows if r["threads"] == threads), None)


def targets(res: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(target, measured, met) rows for one scenario; only those the runs can decide."""
    out: list[tuple[str, str, str]] = []
    sp1, sp2 = by_threads(res["spindle"], 1), by_threads(res["spindle"], 2)
    ne2 = by_threads(res["nest"], 2)
    yes = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    if sp2 and ne2:
        ratio = ne2["wall_s"] / sp2["wall_s"]
        out.append(("≥ 3× faster than NEST end to end (total wall, 2 threads)", f"{ratio:.2f}×", yes(ratio >= TARGET_SPEEDUP_VS_NEST)))
        frac = sp2["peak_mb"] / ne2["peak_mb"]
        out.append(("peak memory ≤ 1/3 of NEST's (2 threads)", f"{frac:.3f} of NEST's ({1 / frac:.1f}× less)", yes(frac <= TARGET_MEMORY_FRACTION)))
    worst_bps = max((r["bytes_per_synapse"] for r in res["spindle"] if r["bytes_per_synapse"]), default=None)
    if worst_bps is not None:
        store = res["spindle"][0].get("store_bytes_per_synapse")
        out.append(("≤ 16 bytes per synapse (peak RSS / synapses)", f"{worst_bps:.1f} B (store alone {store:.2f} B)", yes(worst_bps <= TARGET_BYTES_PER_SYNAPSE)))
    act = res.get("activity", {})
    if "spindle" in act and "nest" in act:
        a, b, k = act["spindle"], act["nest"], len(act["seeds"])
        dev = a["rate_mean"] / b["rate_mean"] - 1
        # Standard error of the relative difference of the two seed means.
        se = np.hypot(a["rate_sd"] / a["rate_mean"], b["rate_sd"] / b["rate_mean"]) / np.sqrt(k)
        out.append((
            f"mean rate within 10 % of NEST's (mean of {k} seeds)",
            f"{a['rate_mean']:.2f} vs {b['rate_mean']:.2f} Hz ({dev:+.1%} ± {se:.1%} s.e.)",
            yes(abs(dev) <= TARGET_RATE_TOLERANCE),
        ))
        dcv = a["cv_mean"] - b["cv_mean"]
        out.append((
            f"CV of ISIs close to NEST's (\\|Δ\\| ≤ 0.1, mean of {k} seeds)",
            f"{a['cv_mean']:.3f} vs {b['cv_mean']:.3f} (Δ {dcv:+.3f})",
            yes(abs(dcv) <= TARGET_CV_TOLERANCE),
        ))
    elif sp2 and ne2:
        dev = sp2["rate_hz"] / ne2["rate_hz"] - 1
        out.append(("mean rate within 10 % of NEST's (one seed)", f"{sp2['rate_hz']:.2f} vs {ne2['rate_hz']:.2f} Hz ({dev:+.1%})", yes(abs(dev) <= TARGET_RATE_TOLERANCE)))
        dcv = sp2["cv_isi"] - ne2["cv_isi"]
        out.append(("CV of ISIs close to NEST's (\\|Δ\\| ≤ 0.1, one seed)", f"{sp2['cv_isi']:.3f} vs {ne2['cv_isi']:.3f} (Δ {dcv:+.3f})", yes(abs(dcv) <= TARGET_CV_TOLERANCE)))
    if res["bit_identical"] is not None:
        ts = ", ".join(str(r["threads"]) for r in res["spindle"])
        out.append((f"bit-identical spikes for {ts} threads", "yes" if res["bit_identical"] else "no", yes(res["bit_identical"])))
    if sp1 and sp2:
        sp = sp1["wall_s"] / sp2["wall_s"]
        out.append(("2 threads ≥ 1.6× faster than 1 (total wall)", f"{sp:.2f}× (simulation alone {sp1['simulate_s'] / sp2['simulate_s']:.2f}×)", yes(sp >= TARGET_THREAD_SPEEDUP)))
    return out


def scenario_md(res: dict[str, Any], stat: str, repeat: int) -> str:
    sp = res["spindle"][0]
    lines = [
        f"### {res['name']} (`{res['scenario']}`)",
        "",
        f"{fmt(sp['nodes'])} nodes, {fmt(res['synapses'])} synapses, {sp['simulated_ms']:g} ms simulated; "
        f"{stat} of {repeat} run(s) per row; rate and CV over {fmt(sp['recorded_neurons'])} recorded neurons.",
        "",
        HEADER,
    ]
    lines += [table_row("spindle", r) for r in res["spindle"]]
    lines += [table_row(f"NEST {r.get('nest_version', '')}".strip(), r) for r in res["nest"]]
    lines.append("")
    notes = []
    for n in res["nest"]:
        s = by_threads(res["spindle"], n["threads"])
        if s:
            notes.append(
                f"- NEST/spindle at {n['threads']} thread(s): total wall {n['wall_s'] / s['wall_s']:.2f}×, "
                f"build + simulation {(n['build_s'] + n['simulate_s']) / (s['build_s'] + s['simulate_s']):.2f}×, "
                f"simulation {n['simulate_s'] / s['simulate_s']:.2f}×, peak memory {n['peak_mb'] / s['peak_mb']:.2f}×"
            )
    if res["bit_identical"] is not None:
        ts = " and ".join(str(r["threads"]) for r in res["spindle"])
        notes.append(f"- bit-identical spikes for {ts} threads: {'yes' if res['bit_identical'] else 'no'}")
    if "store_bytes_per_synapse" in sp:
        notes.append(f"- spindle's synapse store: {sp['synapse_store_bytes'] / 1e6:.1f} MB, {sp['store_bytes_per_synapse']:.2f} bytes per synapse")
    disturbed = sum(run.get("busy_before", 0.0) > BUSY_THRESHOLD for r in res["spindle"] + res["nest"] for run in r["runs"])
    if disturbed:
        lines.append(f"- **{disturbed} timed run(s) started while other processes kept the CPUs busy**; their timings may be inflated")
    lines += notes
    act = res.get("activity")
    if act:
        lines += [
            "",
            f"Activity over seeds {', '.join(map(str, act['seeds']))} (network and drive realisations; the first is the timed run):",
            "",
            "| simulator | threads | mean rate Hz (mean ± sd) | CV ISI (mean ± sd) | rate per seed Hz |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for sim in ("spindle", "nest"):
            if sim in act:
                a = act[sim]
                per = ", ".join(f"{p['rate_hz']:.2f}" for p in a["per_seed"])
                label = "NEST" if sim == "nest" else sim
                lines.append(
                    f"| {label} | {a['threads']} | {a['rate_mean']:.2f} ± {a['rate_sd']:.2f} | "
                    f"{a['cv_mean']:.3f} ± {a['cv_sd']:.3f} | {per} |"
                )
    rows = targets(res)
    if rows:
        lines += ["", "| target | measured | |", "| --- | --- | --- |"]
        lines += [f"| {t} | {m} | {ok} |" for t, m, ok in rows]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem_gb = int(m.group(1)) / 1024**2 if m else None
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gb, "os": platform.platform()}


def versions(binary: Path, nest_rows: list[dict[str, Any]]) -> dict[str, str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO).stdout.strip()
        except OSError:
            return "unknown"

    commit = out(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if out(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " (with uncommitted changes)"
    v = {
        "spindle": out([str(binary), "--version"]).removeprefix("spindle "),
        "git": commit,
        "rustc": out(["rustc", "--version"]).removeprefix("rustc "),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "h5py": h5py.__version__,
    }
    if nest_rows:
        v["nest"] = nest_rows[0].get("nest_version", "unknown")
    return v


def plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 2, figsize=(10, 3.6 * len(results)), squeeze=False)
    for res, (ax_t, ax_m) in zip(results, axes):
        for sim, rows, marker, color in (("spindle", res["spindle"], "o", "C0"), ("NEST", res["nest"], "s", "C1")):
            if not rows:
                continue
            th = [r["threads"] for r in rows]
            ax_t.plot(th, [r["wall_s"] for r in rows], marker + "-", color=color, label=f"{sim} total wall")
            ax_t.plot(th, [r["simulate_s"] for r in rows], marker + ":", color=color, alpha=0.6, label=f"{sim} simulation")
            ax_m.plot(th, [r["peak_mb"] for r in rows], marker + "-", color=color, label=sim)
        for ax, ylabel in ((ax_t, "time (s)"), (ax_m, "peak memory (MB)")):
            ax.set_xlabel("threads")
            ax.set_ylabel(ylabel)
            ax.set_title(res["name"])
            ax.set_ylim(bottom=0)
            ax.set_xticks(sorted({r["threads"] for r in res["spindle"] + res["nest"]}))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def thread_list(text: str) -> list[int]:
    try:
        values = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected comma-separated thread counts, e.g. 1,2") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: thread counts must be at least 1")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", type=Path, help="scenario TOML files")
    parser.add_argument(
        "--from-json", type=Path, metavar="BENCH_JSON", help="run nothing: rewrite bench.md and bench.png in --out from a bench.json"
    )
    parser.add_argument("--threads", type=thread_list, default=[1, 2], help="spindle thread counts (default 1,2)")
    parser.add_argument("--nest", action="store_true", help="also run NEST 3.10 on every scenario")
    parser.add_argument("--nest-threads", type=thread_list, default=None, help="NEST thread counts (default: --threads)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (default 1)")
    parser.add_argument(
        "--seeds", type=int, default=1, help="compare rate and CV over this many seeds (untimed extra runs; default 1)"
    )
    parser.add_argument("--stat", choices=["median", "best"], default="median", help="summary of the repeats (default median)")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "bench", help="output folder (default out/bench, git-ignored)")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each timed run, wait up to this long for the CPUs to be idle (default 0: warn only)",
    )
    parser.add_argument("--spindle", type=Path, default=DEFAULT_SPINDLE, help="spindle binary (default target/release/spindle)")
    args = parser.parse_args(argv)
    if args.from_json:
        args.out.mkdir(parents=True, exist_ok=True)
        report(json.loads(args.from_json.read_text()), args.out)
        return 0
    if not args.scenarios:
        parser.error("give at least one scenario file (or --from-json)")
    if args.repeat < 1 or args.seeds < 1:
        parser.error("--repeat and --seeds must be at least 1")
    args.nest_threads = args.nest_threads or args.threads
    global WAIT_IDLE_S
    WAIT_IDLE_S = args.wait_idle
    if not args.spindle.exists():
        parser.error(f"{args.spindle} does not exist; build it with `cargo build --release -p spindle-cli`")
    if not Path(TIME).exists():
        parser.error(f"{TIME} is needed for the peak memory (Debian: apt-get install time)")
    for s in args.scenarios:
        if not s.is_file():
            parser.error(f"{s}: no such scenario file")

    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="spindle-bench-") as tmp:
            for i, source in enumerate(args.scenarios):
                work = Path(tmp) / f"{i}-{source.stem}"
                work.mkdir()
                results.append(bench_scenario(args, source, work))
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1

    for res in results:
        for r in res["spindle"] + res["nest"]:
            r.pop("h5", None)
    info = {
        "machine": machine(),
        "versions": versions(args.spindle, [r for res in results for r in res["nest"]]),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": " ".join(["python3", "scripts/bench.py", *map(shlex.quote, sys.argv[1:] if argv is None else argv)]),
    }
    raw = {**info, "stat": args.stat, "repeat": args.repeat, "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(raw, indent=2) + "\n")
    report(raw, args.out)
    return 0


def report(raw: dict[str, Any], out: Path) -> None:
    """bench.md and bench.png in `out` from the raw numbers (bench.json's content)."""
    mach, ver, results = raw["machine"], raw["versions"], raw["results"]
    md = [
        "# spindle benchmark",
        "",
        f"- machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gib']:.1f} GiB memory; {mach['os']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in ver.items()),
        f"- date: {raw.get('date', 'unknown')}",
        f"- command: `{raw.get('command', 'unknown')}`",
        "",
    ]
    md += [scenario_md(res, raw["stat"], raw["repeat"]) for res in results]
    text = "\n".join(md)
    (out / "bench.md").write_text(text)
    plot(results, out / "bench.png")
    print(text)
    log(f"wrote {out / 'bench.md'}, bench.json and bench.png")


if __name__ == "__main__":
    sys.exit(main())
