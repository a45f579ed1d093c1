"""`spindle.export_scenario` writes what a script built and ran; `spindle run` on that file
reproduces the Python run's recordings bit for bit. The recordings of a Python run also go
to an HDF5 file when asked (`data_path`, or `record_to = "hdf5"` on a recorder), and that
file is identical to the one `spindle run` writes."""

import re
import subprocess

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")


def spindle_run(spindle_bin, scenario, out):
    subprocess.run(
        [str(spindle_bin), "run", str(scenario), "--output", str(out), "--quiet", "--overwrite"],
        check=True,
    )
    return h5py.File(out, "r")


def assert_same_recordings(events_by_group, f, resolution, min_delay):
    from spindle._state import nest_sample_order

    for group, ev in events_by_group.items():
        g = f[group]
        if g.attrs["model"] == "spike_recorder":
            assert np.array_equal(g["times"][()], ev["times"]), group
            assert np.array_equal(g["senders"][()], ev["senders"]), group
            continue
        # The file has every sample; `events` shows those NEST's multimeter has after the
        # run: up to the start of the min-delay slice the run ended in.
        end = round(f.attrs["simulated_time"] / resolution)
        d = max(1, round(min_delay / resolution))
        shown = np.rint(g["times"][()] / resolution) <= (end - 1) // d * d
        assert not shown.all(), group
        times, senders = g["times"][()][shown], g["senders"][()]
        order = nest_sample_order(times, len(senders), resolution, min_delay)
        assert np.array_equal(np.repeat(times, len(senders))[order], ev["times"]), group
        assert np.array_equal(np.tile(senders, len(times))[order], ev["senders"]), group
        for name in g.attrs["record_from"]:
            values = g[name][()].reshape(len(shown), -1)[shown].ravel()
            assert np.array_equal(values[order], ev[name]), (group, name)


def test_glif_example_round_trip_is_bit_for_bit(example, spindle_bin, tmp_path):
    g, _, exported = example
    text = exported.read_text()
    assert "time = 1000.0" in text and "seed = 143202461" in text
    f = spindle_run(spindle_bin, exported, tmp_path / "out.h5")
    ev = {"multimeter_11": g["data"], "spike_recorder_12": g["spike_data"]}
    assert_same_recordings(ev, f, 0.05, 0.05)
    assert f.attrs["simulated_time"] == 1000.0


def build_mixed_network(nest):
    """A network that exercises what the scenario format has to express: parts of
    populations, per-node parameters, copied models, random connectivity and weights,
    Poisson input, and several Simulate calls."""
    nest.resolution = 0.1
    nest.rng_seed = 12345
    nest.CopyModel("iaf_psc_alpha", "exc", {"I_e": 300.0})
    e = nest.Create("exc", 8, params={"V_m": np.linspace(-70.0, -60.0, 8)})
    i = nest.Create("iaf_psc_exp", 4)
    i[1:3].set(I_e=350.0)
    pg = nest.Create("poisson_generator", params={"rate": 8000.0})
    mm = nest.Create("multimeter", params={"interval": 0.5, "record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, e[2:6] + i, syn_spec={"weight": 5.0})
    nest.Connect(
        e,
        i,
        {"rule": "fixed_indegree", "indegree": 3},
        {"weight": nest.random.uniform(5.0, 20.0), "delay": 1.5},
    )
    nest.Connect(i, e[::2], "all_to_all", {"weight": -10.0, "delay": 0.2})
    nest.Connect(mm, e[1:4] + i[0])
    nest.Connect(e + i, sr)
    return mm, sr


def test_mixed_network_round_trip_and_hdf5_output(nest, spindle_bin, tmp_path):
    mm, sr = build_mixed_network(nest)
    nest.data_path = str(tmp_path)
    nest.data_prefix = "py_"
    for t in (50.0, 120.0, 30.0):
        nest.Simulate(t)
    assert sr.n_events > 50
    scenario = tmp_path / "mixed.toml"
    nest.export_scenario(scenario)
    text = scenario.read_text()
    # The SetStatus before the first Simulate is an action, and so are the calls after it.
    assert "set = { nodes = " in text
    assert re.findall(r"^simulate = ([0-9.]+)$", text, re.M) == ["50.0", "120.0", "30.0"]
    min_delay = nest.min_delay
    ev = {f"multimeter_{mm.global_id}": mm.events, f"spike_recorder_{sr.global_id}": sr.events}
    nest.ResetKernel()  # closes the Python run's HDF5 file

    f = spindle_run(spindle_bin, scenario, tmp_path / "cli.h5")
    assert_same_recordings(ev, f, 0.1, min_delay)
    py = h5py.File(tmp_path / "py_spindle.h5", "r")
    assert py.attrs["simulated_time"] == f.attrs["simulated_time"] == 200.0

    def datasets(h):
        out = {}
        h.visititems(lambda k, v: out.update({k: v[()]}) if isinstance(v, h5py.Dataset) else None)
        return out

    a, b = datasets(py), datasets(f)
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), k


def test_record_to_hdf5_writes_the_file_in_the_working_folder(nest, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    n = nest.Create("iaf_psc_alpha", params={"I_e": 400.0})
    sr = nest.Create("spike_recorder", params={"record_to": "hdf5"})
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    nest.ResetKernel()
    with h5py.File(tmp_path / "spindle.h5", "r") as f:
        assert len(f["spike_recorder_2/times"]) > 0


def test_export_before_simulate_writes_the_network_only(nest, spindle_bin, tmp_path):
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n, n)
    nest.export_scenario(tmp_path / "net.toml")
    assert "time = []" in (tmp_path / "net.toml").read_text()
    f = spindle_run(spindle_bin, tmp_path / "net.toml", tmp_path / "net.h5")
    assert f.attrs["simulated_time"] == 0.0


def test_an_existing_file_is_kept_unless_overwrite_files(nest, tmp_path):
    (tmp_path / "spindle.h5").write_bytes(b"keep me")
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_alpha")
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    assert len(nest.GetConnections()) == 1  # builds early: no file yet
    with pytest.raises(nest.kernel.IOError, match="exists"):
        nest.Simulate(10.0)
    assert (tmp_path / "spindle.h5").read_bytes() == b"keep me"
    nest.ResetKernel()
    nest.SetKernelStatus({"data_path": str(tmp_path), "overwrite_files": True})
    n = nest.Create("iaf_psc_alpha", params={"I_e": 400.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    times = sr.events["times"]
    nest.ResetKernel()  # closes the file (HDF5 locks a file open for writing)
    with h5py.File(tmp_path / "spindle.h5", "r") as f:
        assert len(times) > 0 and np.array_equal(f["spike_recorder_2/times"][()], times)


def test_a_tic_base_round_trips(nest, spindle_bin, tmp_path):
    # SetKernelStatus({tics_per_ms, resolution}) is written as `[kernel] tics_per_ms`, and
    # `spindle run` reproduces the spikes on that base.
    nest.set(tics_per_ms=1024, resolution=0.25)
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 400.0, "t_ref": 1.3})
    sr = nest.Create("spike_recorder")
    nest.Connect(n[0], n[1], syn_spec={"weight": 900.0, "delay": 1.3})
    nest.Connect(n, sr)
    nest.Simulate(80.0)
    nest.export_scenario(tmp_path / "tics.toml")
    assert "tics_per_ms = 1024" in (tmp_path / "tics.toml").read_text()
    ev = sr.events
    assert len(ev["times"]) > 4
    f = spindle_run(spindle_bin, tmp_path / "tics.toml", tmp_path / "tics.h5")
    group = f"spike_recorder_{sr.global_id}"
    assert np.array_equal(f[group]["times"][()], ev["times"])
    assert np.array_equal(f[group]["senders"][()], ev["senders"])
