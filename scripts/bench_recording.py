#!/usr/bin/env python3
"""What recording costs: time, memory and file size of brunel_alpha with and without a
multimeter recording V_m of all 12 500 neurons every 0.1 ms (1 GB of samples per simulated
second), and of the glif_cond example (small, frequent writes).

Usage: bench_recording.py [--spindle BIN] [--baseline BIN] [--threads N] [--repeat N]
                          [--wait-idle SECONDS] [--out DIR]

A program, not a timed test (docs/performance.md, section "Recording", shows its output).
Each configuration runs as its own process; the script samples the process's resident set
(VmRSS) and its writer thread's CPU time from /proc every 20 ms, and takes the peak RSS from
the kernel's accounting (wait4). Configurations, all with --threads N:

- brunel_alpha as is (its spike recorder records every neuron);
- + V_m: the same plus a multimeter on all neurons, interval 0.1 ms;
- + V_m without periodic checkpoints (--flush-interval 1e9: the file is only flushed at the
  end), and + V_m without single-writer/multiple-reader mode (--no-swmr): the cost of each;
- + V_m with --baseline BIN (a spindle built from before the writer thread, which compresses
  on the simulation thread), when given;
- the glif_cond example (examples/glif_cond.toml: 5 neurons, 8 recordables every 0.05 ms),
  with the same variants.

Columns: wall s (the process, start to exit, median of --repeat), writer CPU s (user + system
time of the thread "spindle-writer": the time to compress and write), peak RSS MB, file MB.
Writes recording.json (every run), recording.md (the table) and recording.png (resident set
over time of one run of each brunel configuration, and wall times) into --out.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

MULTIMETER = """
[[nodes]]
name = "vm"
model = "multimeter"
params = { interval = 0.1, record_from = ["V_m"] }

[[connect]]
pre = "vm"
post = ["exc", "inh"]
"""


def log(msg):
    print(f"bench_recording: {msg}", file=sys.stderr, flush=True)


def cpu_busy_fraction(interval=0.5):
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return idle, sum(fields)

    i0, t0 = sample()
    time.sleep(interval)
    i1, t1 = sample()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_idle(seconds):
    deadline = time.monotonic() + seconds
    busy = cpu_busy_fraction()
    while busy > 0.15 and time.monotonic() < deadline:
        time.sleep(2)
        busy = cpu_busy_fraction(1.0)
    return busy


def writer_cpu_s(pid):
    """CPU seconds of the process's thread named spindle-writer (0 if none)."""
    total = 0.0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            stat = (task / "stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if name.startswith("spindle-writer"):
                fields = stat[stat.rindex(")") + 2 :].split()
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return total


def run(cmd, busy_wait):
    """Run cmd; wall s, peak RSS MB, writer CPU s, [(t, RSS MB)], busy fraction before."""
    busy = wait_idle(busy_wait)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    trace, writer = [], [0.0]
    done = threading.Event()

    def sample():
        statm = Path(f"/proc/{proc.pid}/statm")
        while not done.is_set():
            try:
                rss = int(statm.read_text().split()[1]) * PAGE / 1e6
                trace.append((time.perf_counter() - t0, rss))
                writer[0] = max(writer[0], writer_cpu_s(proc.pid))
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                pass
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    if proc.returncode != 0:
        sys.exit(f"bench_recording: {' '.join(cmd)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024, writer[0], trace, busy


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spindle", default=str(ROOT / "target/release/spindle"))
    ap.add_argument("--baseline", help="a spindle that writes on the simulation thread (optional)")
    ap.add_argument("--scenario", default=str(ROOT / "benches/scenarios/brunel_alpha.toml"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--wait-idle", type=float, default=0.0, help="wait up to this long for idle CPUs before each run")
    ap.add_argument("--out", default=str(ROOT / "out/bench_recording"))
    ap.add_argument("--from-json", help="run nothing: redo the table and figure from a recording.json")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        report(results, out)
        return

    tmp = Path(tempfile.mkdtemp(prefix="bench_recording_"))
    brunel = Path(args.scenario)
    brunel_vm = tmp / "brunel_alpha_vm.toml"
    brunel_vm.write_text(brunel.read_text() + MULTIMETER)
    glif = ROOT / "examples/glif_cond.toml"
    configs = [
        ("brunel_alpha", "spikes only", args.spindle, brunel, []),
        ("brunel_alpha", "+ V_m of all neurons", args.spindle, brunel_vm, []),
        ("brunel_alpha", "+ V_m, no periodic checkpoints", args.spindle, brunel_vm, ["--flush-interval", "1e9"]),
        ("brunel_alpha", "+ V_m, no SWMR", args.spindle, brunel_vm, ["--no-swmr"]),
        ("glif_cond", "writer thread, SWMR, checkpoints", args.spindle, glif, []),
        ("glif_cond", "no periodic checkpoints", args.spindle, glif, ["--flush-interval", "1e9"]),
        ("glif_cond", "no SWMR", args.spindle, glif, ["--no-swmr"]),
    ]
    if args.baseline:
        configs.insert(4, ("brunel_alpha", "+ V_m, baseline (writes on the simulation thread)", args.baseline, brunel_vm, []))
        configs.append(("glif_cond", "baseline (writes on the simulation thread)", args.baseline, glif, []))

    results = {"threads": args.threads, "repeat": args.repeat, "cpus": os.cpu_count(), "runs": []}
    for network, label, binary, scenario, extra in configs:
        repeat = args.repeat if network == "brunel_alpha" else max(args.repeat, 5)
        for i in range(repeat):
            output = tmp / "out.h5"
            cmd = [binary, "run", str(scenario), "-o", str(output), "--overwrite", "-q", "--threads", str(args.threads), *extra]
            wall, peak, writer, trace, busy = run(cmd, args.wait_idle)
            size = output.stat().st_size / 1e6
            output.unlink()
            log(f"{network} / {label} #{i + 1}: wall {wall:.2f} s, writer CPU {writer:.2f} s, peak {peak:.0f} MB, file {size:.1f} MB, CPUs {busy:.0%} busy before")
            results["runs"].append(
                {"network": network, "config": label, "wall_s": wall, "peak_mb": peak, "writer_cpu_s": writer, "file_mb": size, "busy_before": busy, "trace": trace if i == 0 else None}
            )
    (out / "recording.json").write_text(json.dumps(results))
    shutil.rmtree(tmp, ignore_errors=True)
    report(results, out)


def report(results, out):
    rows = {}
    for r in results["runs"]:
        rows.setdefault((r["network"], r["config"]), []).append(r)
    lines = [
        f"| network | configuration | wall s | writer CPU s | peak RSS MB | file MB |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    med = {}
    for (network, config), runs in rows.items():
        m = {k: statistics.median(r[k] for r in runs) for k in ["wall_s", "writer_cpu_s", "peak_mb", "file_mb"]}
        med[(network, config)] = m
        lines.append(f"| {network} | {config} | {m['wall_s']:.2f} | {m['writer_cpu_s']:.2f} | {m['peak_mb']:.0f} | {m['file_mb']:.1f} |")
    base = med.get(("brunel_alpha", "spikes only"))
    vm = med.get(("brunel_alpha", "+ V_m of all neurons"))
    if base and vm:
        lines.append("")
        lines.append(
            f"Recording V_m of all neurons raises peak RSS by {vm['peak_mb'] - base['peak_mb']:.0f} MB and the wall time by "
            f"{vm['wall_s'] - base['wall_s']:.2f} s, against {vm['writer_cpu_s']:.2f} s of writer CPU time (compressing and writing "
            f"{vm['file_mb']:.0f} MB)."
        )
    (out / "recording.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    plot(results, out / "recording.png")


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_mem, ax_wall) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    walls = {}
    for r in results["runs"]:
        if r["network"] != "brunel_alpha":
            continue
        walls.setdefault(r["config"], []).append(r["wall_s"])
        if r["trace"]:
            t, rss = zip(*r["trace"])
            ax_mem.plot(t, rss, label=r["config"])
    ax_mem.set_xlabel("wall time (s)")
    ax_mem.set_ylabel("resident set (MB)")
    ax_mem.set_ylim(bottom=0)
    ax_mem.set_title("brunel_alpha, 1 s simulated: memory while running")
    ax_mem.legend(fontsize=8)
    labels = list(walls)
    ax_wall.barh(range(len(labels)), [statistics.median(walls[k]) for k in labels], color=[f"C{i}" for i in range(len(labels))])
    ax_wall.set_yticks(range(len(labels)), [k.replace(" (", "\n(") for k in labels], fontsize=8)
    ax_wall.invert_yaxis()
    ax_wall.set_xlabel("wall time (s), median")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
