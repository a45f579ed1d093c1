#!/usr/bin/env python3
"""Checks from the outside, with h5py, that spindle's output survives a crash and can be read
while it is written.

Usage: check_crash.py SPINDLE SCENARIO.toml OUTDIR

Runs SCENARIO (a network with a spike recorder; its [simulate] time is raised so that the run
lasts a while) with `SPINDLE run --flush-interval 0.2` and, knowing that a run writes
`OUTPUT.partial` until it completes:

1. reads the file with h5py while the run goes (`swmr=True`): every snapshot holds sorted
   spikes and samples up to its `simulated_time`, which grows;
2. kills the run with SIGKILL, then checks that a plain `h5py.File` refuses the file with
   "already open for write", that `swmr=True` opens it, and that it holds exactly what a
   complete run of the scenario up to the file's `simulated_time` writes (that run is made
   with the same SPINDLE, and compared dataset by dataset);
3. runs again and sends SIGINT: exit status 130, the message, and a file that a plain
   h5py.File opens, closed at the time the message gives.

With SONATA output on (`[output] sonata = true`), the SONATA report files of the multimeters
(`OUTPUT.<multimeter>.<recordable>.h5.partial`, docs/output-format.md) are checked the same
way: those of the killed run open with `swmr=True`, their `time` covers at least every sample
up to `simulated_time`, and those rows equal the complete run's native values (as float32);
those of the interrupted run open plainly.

The Rust tests (tests/interrupted_runs.rs) check the same with the Rust HDF5 reader; this
checks it with h5py's own HDF5 (a different version of the library). Exits non-zero with a
message on the first violation.
"""
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from spindle_output import devices, open_output

LONG = 60_000.0  # ms: far longer than the checks wait


def fail(msg):
    print(f"check_crash: {msg}", file=sys.stderr)
    sys.exit(1)


def with_time(text, ms):
    """The scenario text with its [simulate] time set to `ms`."""
    new, n = re.subn(r"(\[simulate\][^\[]*?time\s*=\s*)[0-9.eE+-]+", lambda m: f"{m.group(1)}{float(ms)!r}", text)
    if n != 1:
        fail("cannot find `time = ...` in the scenario's [simulate] table")
    return new


def start(spindle, scenario, output):
    return subprocess.Popen(
        [spindle, "run", str(scenario), "-o", str(output), "--overwrite", "-q", "--threads", "2", "--flush-interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def snapshot(path):
    """(simulated_time, {dataset path: array}) of the file as a reader sees it now, cut at
    simulated_time; None if it cannot be opened yet."""
    try:
        f, closed = open_output(path)
    except OSError:
        return None
    with f:
        t_end = float(f.attrs["simulated_time"])
        data = {}
        for name in devices(f, "spike_recorder"):
            times, senders = f[name]["times"][()], f[name]["senders"][()]
            n = min(len(times), len(senders))
            if not closed:
                n = int(np.searchsorted(times[:n], t_end, side="right"))
            data[f"{name}/times"], data[f"{name}/senders"] = times[:n], senders[:n]
        for name in devices(f, "multimeter"):
            times = f[name]["times"][()]
            n = len(times) if closed else int(np.searchsorted(times, t_end, side="right"))
            data[f"{name}/times"] = times[:n]
            for r in f[name].attrs["record_from"]:
                r = r.decode() if isinstance(r, bytes) else r
                values = f[name][r]
                if values.shape[0] < n:
                    fail(f"{path}: {name}/{r} has {values.shape[0]} rows, fewer than the {n} samples up to {t_end} ms")
                data[f"{name}/{r}"] = values[:n]
        return t_end, closed, data


def reports_beside(partial):
    """The SONATA report files of a run whose output is being written as `partial`."""
    stem = partial.name[: -len(".h5.partial")]
    return sorted(partial.parent.glob(f"{stem}.*.h5.partial"))


def check_killed_reports(killed, reference, t_end):
    """The killed run's report files cover every sample up to `t_end`, equal to `reference`'s
    native values; returns how many there are."""
    import h5py

    reports = reports_beside(killed)
    with h5py.File(reference, "r") as ref:
        for report in reports:
            # killed.<device>.<recordable>.h5.partial
            device, recordable = report.name[len("killed.") : -len(".h5.partial")].split(".", 1)
            native, senders = ref[device][recordable][()], ref[device]["senders"][()]
            with h5py.File(report, "r", swmr=True) as f:
                for pop, g in f["report"].items():
                    start, stop, dt = g["mapping/time"][()]
                    covered = int((stop - start) / dt) if dt > 0 else 0
                    if covered < native.shape[0] or g["data"].shape[0] < covered:
                        fail(f"{report}:{pop}: time covers {covered} rows, data has {g['data'].shape[0]}; "
                             f"{native.shape[0]} samples up to {t_end} ms")
                    first = int(ref["nodes/first_id"][list(ref["nodes/name"].asstr()[()]).index(pop)])
                    cols = np.searchsorted(senders, g["mapping/node_ids"][()].astype(np.int64) + first)
                    want = native[:, cols].astype(np.float32)
                    if not np.array_equal(g["data"][: native.shape[0]], want):
                        fail(f"{report}:{pop}: differs from a complete run up to {t_end} ms")
    return len(reports)


def check_consistent(t_end, data, where):
    for key, v in data.items():
        if key.endswith("/times"):
            if len(v) and (np.any(np.diff(v) < 0) or v[-1] > t_end):
                fail(f"{where}: {key} not sorted or past simulated_time {t_end}")


def wait_for(proc, path, accept, what):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail(f"the run ended ({proc.returncode}) before {what}: {proc.stderr.read()}")
        snap = snapshot(path)
        if snap is not None and accept(snap):
            return snap
        time.sleep(0.05)
    fail(f"timed out waiting for {what}")


def main():
    if len(sys.argv) != 4:
        fail("usage: check_crash.py SPINDLE SCENARIO.toml OUTDIR")
    spindle, scenario, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    text = scenario.read_text()
    long = out / "long.toml"
    long.write_text(with_time(text, LONG))

    # 1. Reading while it runs, then 2. SIGKILL. Until a run completes its file is
    # OUTPUT.partial; only a complete run's file gets the output name.
    killed_output = out / "killed.h5"
    killed = out / "killed.h5.partial"
    proc = start(spindle, long, killed_output)
    seen = []

    def grows(snap):
        t_end, closed, data = snap
        if closed:
            fail(f"{killed} reads as closed while the run goes")
        check_consistent(t_end, data, f"{killed} while running")
        if t_end > 0 and (not seen or t_end > seen[-1]):
            seen.append(t_end)
        return len(seen) >= 3

    wait_for(proc, killed, grows, "three growing checkpoints")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if killed_output.exists():
        fail(f"{killed_output}: a killed run's file has the output name")
    import h5py

    try:
        h5py.File(killed, "r").close()
        fail(f"{killed}: a plain open succeeded, but the writer was killed before closing it")
    except OSError as e:
        if "already open for write" not in str(e):
            fail(f"{killed}: unexpected error on a plain open: {e}")
    t_end, closed, data = snapshot(killed)
    check_consistent(t_end, data, f"{killed} after SIGKILL")
    if not (seen[-1] <= t_end < LONG) or not len(data):
        fail(f"{killed}: simulated_time {t_end} after checkpoints {seen}")
    # The same scenario run to exactly that time, to completion.
    upto = out / "upto.toml"
    upto.write_text(with_time(text, t_end))
    reference = out / "reference.h5"
    done = subprocess.run([spindle, "run", str(upto), "-o", str(reference), "--overwrite", "-q", "--threads", "1"], capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"reference run failed: {done.stderr}")
    _, ref_closed, ref = snapshot(reference)
    if not ref_closed or sorted(ref) != sorted(data):
        fail(f"{reference}: datasets {sorted(ref)}, the killed file has {sorted(data)}")
    for key in ref:
        if ref[key].shape != data[key].shape or not np.array_equal(ref[key], data[key]):
            fail(f"{killed}: {key} differs from a complete run up to {t_end} ms ({data[key].shape} vs {ref[key].shape})")

    n_reports = check_killed_reports(killed, reference, t_end)

    # 3. SIGINT.
    stopped_output = out / "interrupted.h5"
    stopped = out / "interrupted.h5.partial"
    proc = start(spindle, long, stopped_output)
    wait_for(proc, stopped, lambda s: s[0] > 0, "a first checkpoint")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=180)
    if proc.returncode != 130:
        fail(f"exit status {proc.returncode} after SIGINT, expected 130: {err}")
    m = re.search(r"interrupted at t = ([0-9.]+) ms of ([0-9.]+) ms; (.+) holds the data up to ([0-9.]+) ms", err)
    if not m or m.group(1) != m.group(4) or m.group(3) != str(stopped):
        fail(f"unexpected message after SIGINT: {err!r}")
    with h5py.File(stopped, "r") as f:  # a plain open: the file was closed
        if float(f.attrs["simulated_time"]) != float(m.group(1)):
            fail(f"{stopped}: simulated_time {f.attrs['simulated_time']}, message says {m.group(1)}")
    if len(reports_beside(stopped)) != n_reports:
        fail(f"{stopped}: {len(reports_beside(stopped))} SONATA report files beside it, the killed run had {n_reports}")
    for report in reports_beside(stopped):
        h5py.File(report, "r").close()  # a plain open: closed too
    print(
        f"check_crash: read {len(seen)} growing checkpoints while running; the SIGKILLed file opens with swmr=True "
        f"and equals a complete run up to {t_end} ms (so do its {n_reports} SONATA report files); SIGINT stopped at {m.group(1)} ms with status 130 and a closed file"
    )


if __name__ == "__main__":
    main()
