"""The network stays live between Simulate calls: Create, Connect and SetStatus (of
neurons, generators and recorders) after a Simulate act from the next step on, as in NEST.

Each deterministic script here is run by spindle and, where NEST 3.10 is installed (CI
installs it), by NEST itself: spikes must fall on the same steps and the final state must be
NEST's. `export_scenario` writes the changes as `[[actions]]`, and `spindle run` on that file
reproduces the Python run bit for bit."""

import importlib

import numpy as np
import pytest

from test_export import assert_same_recordings, spindle_run


def script_changes_between_runs(nest):
    """Simulate, change I_e, V_th, a generator's rate and spike_times, a recorder's window,
    add neurons and connections, simulate again."""
    nest.ResetKernel()
    nest.resolution = 0.1
    n = nest.Create("iaf_psc_alpha", 2, {"I_e": 0.0})
    c = nest.Create("iaf_cond_exp", 1, {"I_e": 200.0})
    dc = nest.Create("dc_generator", params={"amplitude": 100.0})
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 15.0]})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(dc, c)
    nest.Connect(sg, n, syn_spec={"weight": 300.0, "delay": 1.0})
    nest.Connect(n + c, sr)
    nest.Connect(mm, n + c)
    nest.Connect(n[0], n[1], syn_spec={"weight": 500.0, "delay": 1.0})
    nest.Simulate(50.0)
    n[0].I_e = 500.0
    n.set({"V_th": -56.0})
    c.set({"E_L": -65.0, "g_L": 20.0})
    dc.amplitude = 400.0
    sg.spike_times = [40.0, 60.5, 70.0]  # 40 ms lies in the past and is skipped
    sr.start = 20.0
    nest.Simulate(50.0)
    g = nest.Create("spike_generator", params={"spike_times": [120.0, 130.0]})
    p = nest.Create("parrot_neuron")
    m = nest.Create("iaf_psc_exp", 1, {"I_e": 390.0, "V_m": -60.0})
    nest.Connect(g, p)
    nest.Connect(p, n[1] + m, syn_spec={"weight": 800.0, "delay": 1.0})
    nest.Connect(p + m, sr)
    nest.Simulate(50.0)
    ev = sr.events
    state = {
        k: [float(v) for v in nest.GetStatus(n + c + m, k)] for k in ("V_m",)
    }
    return ev, state, sr, mm, (p.global_id, m.global_id)


def spikes(ev):
    return sorted(zip(ev["senders"].tolist(), np.round(ev["times"], 6).tolist()))


def test_changes_between_runs_act_from_the_next_step(nest):
    ev, state, _, _, (parrot, late) = script_changes_between_runs(nest)
    got = spikes(ev)
    # The new parrot fires at 121 and 131 ms, and only after it exists.
    assert (parrot, 121.0) in got and (parrot, 131.0) in got
    assert all(t > 20.0 for _, t in got), "the recorder's new start acts"
    assert any(s == late for s, _ in got), "the neuron created after Simulate fires"


def test_changes_between_runs_match_nest(nest):
    try:
        real = importlib.import_module("nest")
    except ImportError:
        pytest.skip("NEST 3.10 is not installed")
    real.set_verbosity("M_ERROR")
    want_ev, want_state, *_ = script_changes_between_runs(real)
    got_ev, got_state, *_ = script_changes_between_runs(nest)
    assert spikes(got_ev) == spikes(want_ev)
    np.testing.assert_allclose(got_state["V_m"], want_state["V_m"], rtol=0, atol=1e-9)


def test_export_writes_the_changes_as_actions(nest, spindle_bin, tmp_path):
    _, _, sr, mm, _ = script_changes_between_runs(nest)
    path = tmp_path / "live.toml"
    nest.export_scenario(path)
    text = path.read_text()
    assert text.count("[[actions]]") > 5 and "set = " in text and "create = " in text
    f = spindle_run(spindle_bin, path, tmp_path / "live.h5")
    groups = {g: f[g].attrs.get("node_id") for g in f if g not in ("nodes", "spikes")}
    by_id = {int(v): k for k, v in groups.items() if v is not None}
    ev = {by_id[sr.global_id]: sr.events, by_id[mm.global_id]: mm.events}
    assert_same_recordings(ev, f, 0.1, nest.min_delay)
    assert f.attrs["simulated_time"] == 150.0
