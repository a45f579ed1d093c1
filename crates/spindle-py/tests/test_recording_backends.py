"""NEST's recording backends on spindle (`record_to`: memory, ascii, screen): the ascii files
(name, header, columns, precision, `time_in_steps`, a file per Prepare, `overwrite_files`),
the screen lines, the recorder keys each backend owns, and their checks.

Contract: each case gives on spindle what it gives on NEST 3.10 — the same value, the same
file contents, or an exception of the same class. Nothing is written down: every case runs
live on NEST 3.10 and on spindle (skipped where NEST is not importable), each on a fresh
kernel in a folder of its own, and the outcomes are compared. The files differ in one place
on purpose: their first line names the version of the simulator that wrote them
(`nest.build_info["version"]`), which the cases check apart.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_surface import _plain

BACKEND_KEYS = (
    "record_to",
    "label",
    "file_extension",
    "precision",
    "time_in_steps",
    "filenames",
    "n_events",
)


def _file(m, path):
    """An ascii file's lines after the version line, which must name the simulator's."""
    lines = Path(path).read_text().splitlines(keepends=True)
    assert lines[0] == f"# NEST version: {m.build_info['version']}\n"
    return lines[1:]


def _keys(rec):
    """The backend keys of a recorder's status, and whether it shows `events`."""
    d = rec.get()
    return {k: _plain(d[k]) for k in BACKEND_KEYS if k in d}, "events" in d


def _raises(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e).__name__
    return None


def _driven(m, n=2, **params):
    return m.Create("iaf_psc_alpha", n, params={"I_e": 400.0, **params})


def multimeter_file(m):
    mm = m.Create("multimeter", params={"record_to": "ascii"})
    mm.set({"interval": 0.1, "record_from": ["V_m"]})
    m.Connect(mm, m.Create("iaf_psc_alpha", params={"I_e": 376.0}))
    m.Simulate(15.0)
    return mm.filenames, mm.n_events, _file(m, mm.filenames[0])


def every_prepare_opens_the_file_afresh(m):
    # The multimeter's last min-delay slice of a run reaches the next run's file.
    m.overwrite_files = True
    n = _driven(m)
    sr = m.Create("spike_recorder", params={"record_to": "ascii", "precision": 5})
    mm = m.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m", "I_syn_ex"]})
    m.Connect(n, sr)
    m.Connect(mm, n)
    files = []
    for _ in range(2):
        m.Simulate(30.0)
        files.append((_file(m, sr.filenames[0]), _file(m, mm.filenames[0])))
    return files, sr.n_events, mm.n_events


def prepare_run_cleanup(m):
    m.overwrite_files = True
    mm = m.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m"]})
    m.Connect(mm, _driven(m))
    m.Simulate(20.0)
    m.Prepare()
    after_prepare = _file(m, mm.filenames[0])
    m.Run(5.0)
    m.Run(5.0)
    m.Cleanup()
    return after_prepare, _file(m, mm.filenames[0])


def existing_file_is_refused(m):
    sr = m.Create("spike_recorder", params={"record_to": "ascii"})
    Path(sr.filenames[0]).write_text("mine\n")
    refused = _raises(lambda: m.Simulate(5.0))
    # NEST stays prepared after the refusal: Simulate again is refused, Cleanup is not.
    again = _raises(lambda: m.Simulate(5.0))
    cleanup = _raises(m.Cleanup)
    kept = Path(sr.filenames[0]).read_text()
    m.overwrite_files = True
    m.Simulate(5.0)
    return refused, again, cleanup, kept, _file(m, sr.filenames[0])


def time_in_steps_and_weight_recorder(m):
    m.overwrite_files = True
    n = _driven(m)
    wr = m.Create("weight_recorder", params={"record_to": "ascii", "time_in_steps": True})
    m.CopyModel("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    # A delay of one step makes every min-delay slice one step long: NEST's spike recorder
    # then sees each slice's spikes in spindle's order, by (time, sender) (docs/devices.md).
    syn = {"synapse_model": "stdp_rec", "weight": 5.0, "delay": 0.1}
    m.Connect(n[0], n[1], syn_spec=syn)
    sr = m.Create("spike_recorder", params={"record_to": "ascii", "time_in_steps": True})
    vm = m.Create("voltmeter", params={"record_to": "ascii", "interval": 5.0, "precision": 1})
    m.Connect(n, sr)
    m.Connect(vm, n)
    m.Simulate(60.0)
    return [(r.filenames, _file(m, r.filenames[0])) for r in (wr, sr, vm)]


def file_names(m):
    os.mkdir("out")
    m.SetKernelStatus({"data_path": "out", "data_prefix": "run1_", "overwrite_files": True})
    a = m.Create("multimeter", params={"record_to": "ascii", "label": "lab"})
    b = m.Create("spike_recorder", params={"record_to": "ascii", "file_extension": "gdf"})
    c = m.Create("spike_recorder")
    m.Create("iaf_psc_alpha", 120)
    c.record_to = "ascii"  # enrolls now: the node id is padded to the network's size
    names = [r.filenames for r in (a, b, c)]
    m.data_path = "out/"
    names.append(a.filenames)
    return names


def test_files_go_to_data_path_with_data_prefix(tmp_path):
    # In a process of its own: spindle also writes its HDF5 file when data_path is set, and
    # HDF5 cannot create files in a process that loaded NEST 3.10 as well.
    script = """
import spindle as nest
nest.SetKernelStatus({"data_path": "out", "data_prefix": "run1_"})
sr = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "lab"})
nest.Connect(nest.Create("iaf_psc_alpha", params={"I_e": 500.0}), sr)
nest.Simulate(20.0)
print(sr.filenames[0])
"""
    (tmp_path / "out").mkdir()
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert run.stdout.splitlines()[-1] == "out/run1_lab-1-0.dat"
    lines = (tmp_path / "out" / "run1_lab-1-0.dat").read_text().splitlines()
    # NEST 3.10 writes these lines for this script without data_path and data_prefix.
    assert lines[1:] == ["# RecordingBackendASCII version: 2", "sender\ttime_ms", "2\t13.900"]
    assert sorted(os.listdir(tmp_path / "out")) == ["run1_lab-1-0.dat", "run1_spindle.h5"]


def kernel_paths_refused(m):
    m.data_path = "does/not/exist"
    Path("plain").write_text("")
    m.data_path = "plain"
    m.data_prefix = "a/b"
    # spindle has one backend more than NEST: its HDF5 file.
    backends = set(m.GetKernelStatus("recording_backends")) - {"hdf5"}
    return m.data_path, m.data_prefix, sorted(backends)


def status_keys_per_backend(m):
    out = []
    for model in ("spike_recorder", "multimeter", "voltmeter", "weight_recorder"):
        for to in ("memory", "ascii", "screen"):
            out.append(_keys(m.Create(model, params={"record_to": to})))
    return out


def switching_backends(m):
    sr = m.Create("spike_recorder", params={"record_to": "ascii", "precision": 5})
    sr.set(label="x", file_extension="txt")
    seen = [_keys(sr)]
    sr.record_to = "memory"
    seen.append(_keys(sr))
    sr.record_to = "ascii"  # a new enrolment: the ascii keys start from their defaults
    seen.append(_keys(sr))
    sr.set(record_to="screen", precision=2, time_in_steps=True)
    seen.append(_keys(sr))
    return seen


def model_defaults(m):
    m.SetDefaults("spike_recorder", {"record_to": "ascii", "file_extension": "nest"})
    m.SetDefaults("multimeter", {"time_in_steps": True})
    # NEST drops a key of another backend from a model's defaults without a word.
    m.SetDefaults("voltmeter", {"record_to": "memory", "precision": 4})
    m.CopyModel("weight_recorder", "wr_ascii", {"record_to": "ascii", "precision": 6})
    out = []
    for model in ("spike_recorder", "multimeter", "voltmeter", "wr_ascii"):
        d = m.GetDefaults(model)
        out.append({k: _plain(d[k]) for k in BACKEND_KEYS if k in d and k != "n_events"})
        out.append(_keys(m.Create(model)))
    return out


def n_events_reset_keeps_the_file(m):
    m.overwrite_files = True
    n = _driven(m)
    sr = m.Create("spike_recorder", params={"record_to": "ascii"})
    m.Connect(n, sr)
    m.Simulate(40.0)
    refused = _raises(lambda: sr.set(n_events=3))
    sr.n_events = 0
    m.Simulate(40.0)
    return refused, sr.n_events, _file(m, sr.filenames[0])


def time_in_steps_after_simulate(m):
    # memory refuses the key after Simulate, ascii a change of it, screen neither.
    recs = [m.Create("spike_recorder", params={"record_to": to}) for to in ("memory", "ascii")]
    recs.append(m.Create("multimeter", params={"record_to": "screen"}))
    m.Simulate(1.0)
    out = []
    for r in recs:
        same = _raises(lambda: r.set(time_in_steps=False))
        other = _raises(lambda: r.set(time_in_steps=True))
        out.append((same, other, r.time_in_steps))
    return out


def negative_precision(m):
    # C++'s fixed notation with a negative precision prints six digits.
    sr = m.Create("spike_recorder", params={"record_to": "ascii", "precision": -1})
    m.Connect(m.Create("iaf_psc_alpha", params={"I_e": 500.0}), sr)
    m.Simulate(20.0)
    return _keys(sr), _file(m, sr.filenames[0])


BAD = {
    "unknown backend": {"record_to": "foo"},
    "record_to not a string": {"record_to": 3},
    "precision not an integer": {"record_to": "ascii", "precision": 2.5},
    "file_extension not a string": {"record_to": "ascii", "file_extension": 3},
    "label not a string": {"label": 3},
    "file_extension of memory": {"file_extension": "x"},
    "precision of memory": {"precision": 4},
    "filenames read-only": {"record_to": "ascii", "filenames": ["a"]},
}


def _bad(params):
    def case(m):
        sr = m.Create("spike_recorder")
        error = _raises(lambda: sr.set(params))
        at_create = _raises(lambda: m.Create("spike_recorder", params=params))
        return error, at_create

    return case


CASES = {
    "multimeter file": multimeter_file,
    "every prepare opens the file afresh": every_prepare_opens_the_file_afresh,
    "prepare run cleanup": prepare_run_cleanup,
    "existing file is refused": existing_file_is_refused,
    "time_in_steps and weight recorder": time_in_steps_and_weight_recorder,
    "file names": file_names,
    "kernel paths refused": kernel_paths_refused,
    "status keys per backend": status_keys_per_backend,
    "switching backends": switching_backends,
    "model defaults": model_defaults,
    "n_events reset keeps the file": n_events_reset_keeps_the_file,
    "time_in_steps after simulate": time_in_steps_after_simulate,
    "negative precision": negative_precision,
    **{f"bad: {name}": _bad(p) for name, p in BAD.items()},
}


def _outcome(module, case, folder):
    """The case's outcome, run in `folder`. NEST's ResetKernel keeps `data_path`, which
    cannot be set back to "": NEST's is set to `folder`, its file names are read relative to
    it; spindle's is "" after ResetKernel (docs/python.md)."""
    module.ResetKernel()
    folder.mkdir()
    if module.data_path:
        module.SetKernelStatus({"data_path": str(folder), "data_prefix": ""})
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return ("ok", _relative(_plain(case(module)), str(folder) + "/"))
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(e).__name__, str(e))
    finally:
        os.chdir(cwd)
        module.ResetKernel()


def _relative(v, folder):
    if isinstance(v, str):
        return v.replace(folder, "").replace(folder[:-1], "")
    if isinstance(v, (list, tuple)):
        return [_relative(x, folder) for x in v]
    if isinstance(v, dict):
        return {k: _relative(x, folder) for k, x in v.items()}
    return v


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(name, real_nest, nest, tmp_path):
    expected = _outcome(real_nest, CASES[name], tmp_path / "nest")
    got = _outcome(nest, CASES[name], tmp_path / "spindle")
    if expected[0] == "raises":
        assert got[:2] == expected[:2], got
    else:
        assert got == expected


def test_screen_prints_nest_lines(real_nest, nest, capfd):
    def run(m):
        m.ResetKernel()
        n = _driven(m)
        mm = m.Create(
            "multimeter",
            params={"record_to": "screen", "record_from": ["V_m"], "interval": 2.5, "precision": 2},
        )
        m.Connect(mm, n)
        m.Simulate(20.0)
        m.Simulate(5.0)
        return mm.n_events

    capfd.readouterr()
    expected = run(real_nest)
    nest_out = [line for line in capfd.readouterr().out.splitlines() if line[:1].isdigit()]
    got = run(nest)
    spindle_out = capfd.readouterr().out.splitlines()
    assert got == expected
    assert spindle_out == nest_out and len(nest_out) == expected


def test_export_keeps_the_backend_keys_and_spindle_run_takes_them(
    nest, spindle_bin, tmp_path, monkeypatch, capfd
):
    from test_export import spindle_run

    monkeypatch.chdir(tmp_path)
    nest.overwrite_files = True
    n = _driven(nest)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii", "precision": 5})
    mm = nest.Create("multimeter", params={"record_to": "screen", "record_from": ["V_m"]})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    sr.set(file_extension="gdf", label="spikes")
    nest.Simulate(20.0)
    nest.export_scenario(tmp_path / "run.toml")
    text = (tmp_path / "run.toml").read_text()
    assert 'record_to = "ascii", precision = 5' in text and 'file_extension = "gdf"' in text
    f = spindle_run(spindle_bin, tmp_path / "run.toml", tmp_path / "out.h5")
    # The ascii recorder shows no events: its file has those of the second run.
    assert sr.filenames == ["spikes-3-0.gdf"]
    rows = [line.split("\t") for line in _file(nest, "spikes-3-0.gdf")[2:]]
    spikes = f["spike_recorder_3"]
    second = spikes["times"][()] > 20.0
    assert rows and [int(r[0]) for r in rows] == spikes["senders"][()][second].tolist()
    assert [float(r[1]) for r in rows] == spikes["times"][()][second].tolist()
    # The screen multimeter's lines are the samples of the file up to the last min-delay
    # slice of the run (NEST hands those over at the next run), in NEST's order.
    from spindle._state import nest_sample_order

    lines = [r.split("\t") for r in capfd.readouterr().out.splitlines() if r[:1].isdigit()]
    g = f["multimeter_4"]
    times, senders = g["times"][()], g["senders"][()]
    values = g["V_m"][()].reshape(len(times), -1)
    shown = np.rint(times / nest.resolution) <= 390  # slices of 10 steps, run ends at 400
    order = nest_sample_order(times[shown], len(senders), nest.resolution, 1.0)
    expected = zip(
        np.tile(senders, shown.sum())[order],
        np.repeat(times[shown], len(senders))[order],
        values[shown].ravel()[order],
    )
    assert lines == [[str(s), f"{t:.3f}", f"{v:.3f}"] for s, t, v in expected]
    assert len(lines) == mm.n_events == 2 * 39


NEST_CHATTER = re.compile(
    r"^\[INFO\]|Simulation time \(ms\)|Number of OpenMP|Not using MPI|-- N E S T --|"
    r"Copyright \(C\)|Version: |Built  :|NO WARRANTY|file LICENSE|Problems or sugg|"
    r"Visit https|nest.help\(\)"
)


@pytest.mark.parametrize("example", ["multimeter_file.py", "recording_demo.py"])
def test_nest_recording_examples_give_nests_files(example, real_nest, tmp_path):
    # NEST 3.10's examples, run unchanged in a process of their own on NEST and on spindle
    # (through scripts/nest_shim): the same printed data and the same ascii files.
    script = Path(real_nest.__file__).parent / "doc" / "examples" / "pynest" / example
    shim = Path(__file__).resolve().parents[3] / "scripts" / "nest_shim"
    out = {}
    for side, path in (("nest", ""), ("spindle", str(shim))):
        folder = tmp_path / side
        folder.mkdir()
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": path}
        run = subprocess.run(
            [sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        # NEST's banner and log lines are not the example's output.
        printed = [
            line
            for line in run.stdout.splitlines()
            if line.strip() and not NEST_CHATTER.search(line)
        ]
        files = {
            f.name: f.read_text().splitlines()[1:] for f in sorted(folder.iterdir())
        }
        out[side] = printed, files
    assert out["spindle"] == out["nest"]
    assert len(out["nest"][0]) > 10 or example == "multimeter_file.py"
    assert out["nest"][1] and all(len(rows) > 2 for rows in out["nest"][1].values())
