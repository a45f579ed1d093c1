"""Node parameters and state drawn from NEST parameters (`nest.random`, `nest.math`, arithmetic)
at `Create` and `SetStatus`: drawn per node in the engine from keyed streams, so the values
have the distribution asked for, depend on (seed, script) only — never on the thread count —
and `spindle run` on the exported scenario draws the same values bit for bit. Bad parameters
fail with NEST's exception names (checked against NEST 3.10's behaviour, see the comments)."""

import subprocess

import numpy as np
import pytest

N = 20000


def values(nodes, key):
    return np.asarray(nodes.get(key), dtype=float)


def test_drawn_values_have_the_distribution_asked_for(nest):
    # Closed forms: mean and variance of the distributions; a deviation beyond 5 standard
    # errors has a chance of about 6e-7.
    cases = [
        ("V_m", nest.random.normal(-58.0, 10.0), -58.0, 10.0**2),
        ("V_m", nest.random.uniform(-70.0, -50.0), -60.0, 20.0**2 / 12),
        ("I_e", nest.random.exponential(beta=3.0), 3.0, 9.0),
        ("C_m", nest.random.lognormal(5.0, 0.2), np.exp(5.02), (np.exp(0.04) - 1) * np.exp(10.04)),
        ("V_m", nest.random.normal(-58.0, 10.0) * 2 + 1, -115.0, 20.0**2),
    ]
    for key, param, mean, var in cases:
        nodes = nest.Create("iaf_psc_alpha", N, {key: param})
        x = values(nodes, key)
        assert abs(x.mean() - mean) < 5 * np.sqrt(var / N), (key, param)
        # Var of the sample variance ≈ (μ4 − σ⁴)/N; 2σ⁴/N for a normal, larger otherwise,
        # so 10 % is a loose but failing-when-broken bound at N = 20000.
        assert abs(x.var() / var - 1) < 0.1, (key, param)
        assert len(np.unique(x)) == N


def test_uniform_int_redraw_and_conditional(nest):
    t = values(nest.Create("iaf_psc_alpha", N, {"t_ref": nest.random.uniform_int(5) + 1}), "t_ref")
    assert set(np.unique(t)) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert abs(np.mean(t) - 3.0) < 5 * np.sqrt(2.0 / N)
    v = values(
        nest.Create("iaf_psc_alpha", N, {"V_m": nest.math.redraw(nest.random.normal(-60, 10), -65, -55)}),
        "V_m",
    )
    assert v.min() >= -65 and v.max() <= -55
    p = nest.random.uniform(0, 1)
    c = values(
        nest.Create("iaf_psc_alpha", N, {"V_m": nest.logic.conditional(p < 0.25, -70.0, -50.0)}),
        "V_m",
    )
    assert abs(np.mean(c == -70.0) - 0.25) < 5 * np.sqrt(0.25 * 0.75 / N)


def test_set_draws_per_node_and_keeps_the_one_dict_semantics(nest):
    nodes = nest.Create("iaf_psc_alpha", 1000)
    nodes.set(V_m=nest.random.uniform(-70.0, -60.0))
    v = values(nodes, "V_m")
    assert v.min() >= -70.0 and v.max() < -60.0 and len(np.unique(v)) == 1000
    nodes.V_th = nest.random.uniform(-50.0, -40.0)
    nest.SetStatus(nodes, "I_e", nest.random.normal(100.0, 1.0))
    assert len(np.unique(values(nodes, "V_th"))) == 1000
    assert abs(values(nodes, "I_e").mean() - 100.0) < 0.2
    # E_L drawn with V_m given in the same dict: V_m is set as given, not moved with E_L
    # (NEST's SetStatus reads them together).
    nodes.set({"E_L": nest.random.uniform(-80.0, -75.0), "V_m": -65.0})
    assert np.all(values(nodes, "V_m") == -65.0)
    # A second draw of the same key gives new values.
    before = values(nodes, "V_th")
    nodes.V_th = nest.random.uniform(-50.0, -40.0)
    assert not np.any(values(nodes, "V_th") == before)
    # A part of a population, and stimulating devices.
    nodes[10:20].set(V_m=nest.random.uniform(0.0, 1.0) - 80.0)
    v = values(nodes, "V_m")
    assert np.all((v[10:20] >= -80.0) & (v[10:20] < -79.0)) and np.all(v[20:] == -65.0)
    pg = nest.Create("poisson_generator", 3, {"rate": nest.random.uniform(1.0, 2.0)})
    rates = values(pg, "rate")
    assert np.all((rates >= 1.0) & (rates < 2.0)) and len(np.unique(rates)) == 3


def draw_network(nest, threads, seed):
    nest.ResetKernel()
    nest.local_num_threads = threads
    nest.rng_seed = seed
    a = nest.Create("iaf_psc_alpha", 3000, {"V_m": nest.random.normal(-58.0, 10.0)})
    b = nest.Create("iaf_psc_exp", 500, {"I_e": 50.0, "C_m": nest.random.uniform(200.0, 300.0)})
    a[100:2000].set(V_th=nest.random.normal(-50.0, 1.0))
    return np.concatenate([values(a, "V_m"), values(a, "V_th"), values(b, "C_m")])


def test_values_depend_on_the_seed_only(nest):
    one = draw_network(nest, 1, 1234)
    two = draw_network(nest, 2, 1234)
    assert np.array_equal(one, two)  # bit for bit, whatever the thread count
    assert np.array_equal(one, draw_network(nest, 2, 1234))
    other = draw_network(nest, 2, 1235)
    assert not np.any(one[:3000] == other[:3000])


def test_per_node_columns_and_list_of_dicts(nest):
    v = np.linspace(-70.0, -60.0, 1000)
    nodes = nest.Create("iaf_psc_alpha", 1000, {"V_m": v, "I_e": nest.random.uniform(0.0, 1.0)})
    assert np.array_equal(values(nodes, "V_m"), v)
    assert len(np.unique(values(nodes, "I_e"))) == 1000
    nodes.set([{"C_m": 100.0 + i} for i in range(1000)])
    assert np.array_equal(values(nodes, "C_m"), 100.0 + np.arange(1000))
    # A parameter in a list of dicts draws per node as in a dict for all.
    nest.ResetKernel()
    a = values(nest.Create("iaf_psc_alpha", 4, [{"V_m": nest.random.normal()}] * 4), "V_m")
    nest.ResetKernel()
    b = values(nest.Create("iaf_psc_alpha", 4, {"V_m": nest.random.normal()}), "V_m")
    assert np.array_equal(a, b)


def test_errors_have_nest_names(nest):
    # NEST 3.10: BadProperty "Setting status of a 'iaf_psc_alpha' with node ID 5:
    # Capacitance must be > 0." for a drawn negative C_m, naming the first bad node.
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"with node ID \d+: .*apacitance"):
        nest.Create("iaf_psc_alpha", 100, {"C_m": nest.random.normal(0.0, 1.0)})
    # The nodes were created (as in NEST) and the ids go on.
    assert nest.Create("iaf_psc_alpha", 1).tolist() == [101]
    # NEST: TypeMismatch for a recorder's key and for a list-valued key.
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="Failed to cast 'start'"):
        nest.Create("spike_recorder", 1, {"start": nest.random.uniform(1.0, 2.0)})
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="std::vector<double>"):
        nest.Create("glif_psc", 2, {"tau_syn": nest.random.uniform(1.0, 2.0)})
    # NEST: KernelException "Number of redraws exceeded limit of 1000".
    with pytest.raises(nest.NESTErrors.KernelException, match="redraws exceeded"):
        nest.Create("iaf_psc_alpha", 2, {"V_m": nest.math.redraw(nest.random.normal(0, 1), 100, 200)})
    # NEST: UnaccessedDictionaryEntry for a key the model does not have.
    nodes = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="foo"):
        nodes.set({"foo": nest.random.uniform(0.0, 1.0)})
    # NEST: BadProperty from the parameter's own check.
    with pytest.raises(nest.NESTErrors.BadProperty, match="std > 0 required"):
        nest.random.normal(0.0, -1.0)


def test_exported_scenario_draws_the_same_values(nest, spindle_bin, tmp_path):
    h5py = pytest.importorskip("h5py")
    nest.rng_seed = 4711
    nest.local_num_threads = 2
    nodes = nest.Create(
        "iaf_psc_alpha",
        50,
        {"V_m": nest.random.normal(-58.0, 10.0), "I_e": nest.random.uniform(300.0, 400.0)},
    )
    nodes[5:30].set(V_th=nest.random.normal(-50.0, 2.0))
    mm = nest.Create("multimeter", 1, {"interval": 0.1, "record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nodes)
    nest.Connect(nodes, sr)
    nest.Simulate(50.0)
    text_path = tmp_path / "net.toml"
    nest.export_scenario(text_path)
    text = text_path.read_text()
    assert 'V_m = { distribution = "normal", mean = -58.0, std = 10.0 }' in text
    out = tmp_path / "cli.h5"
    subprocess.run(
        [str(spindle_bin), "run", str(text_path), "--output", str(out), "--quiet", "--overwrite",
         "--threads", "1"],
        check=True,
    )
    ev = mm.get("events")
    spikes = sr.get("events")
    assert len(spikes["times"]) > 0
    with h5py.File(out, "r") as f:
        groups = {f[g].attrs["model"]: f[g] for g in f if "model" in f[g].attrs}
        m = groups["multimeter"]
        # Samples in (time, sender) order: the first row is every neuron's V_m after one step.
        vm = m["V_m"][()].reshape(len(m["times"][()]), -1)
        py = np.zeros_like(vm)
        t_idx = np.rint(ev["times"] / 0.1).astype(int) - 1
        py[t_idx, ev["senders"] - 1] = ev["V_m"]
        # `events` shows all but the last min-delay slice (1 ms), as NEST's multimeter.
        shown = t_idx.max() + 1
        assert shown == len(vm) - 10
        assert np.array_equal(vm[:shown], py[:shown])
        s = groups["spike_recorder"]
        assert np.array_equal(s["times"][()], spikes["times"])
        assert np.array_equal(s["senders"][()], spikes["senders"])


def test_a_parameter_drawn_twice_before_simulate_exports_the_same_draws(nest, spindle_bin, tmp_path):
    # The node's second draw uses its next stream: the export writes the SetStatus as an
    # action (not folded into the [[nodes]] entry), and `spindle run` draws the same values.
    h5py = pytest.importorskip("h5py")
    from test_export import spindle_run

    nodes = nest.Create("iaf_psc_alpha", 3, {"V_m": nest.random.normal(-60.0, 1.0)})
    nodes.V_m = nest.random.normal(-60.0, 1.0)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, nodes)
    nest.Simulate(2.0)
    path = tmp_path / "net.toml"
    nest.export_scenario(path)
    assert "[[actions]]" in path.read_text()
    want = mm.events["V_m"]  # up to 1.0 ms: the last min-delay slice comes with the next run
    assert len(want) == 3 * 10
    f = spindle_run(spindle_bin, path, tmp_path / "net.h5")
    got = f[f"multimeter_{mm.global_id}"]["V_m"][()].reshape(20, 3)[:10]
    assert np.array_equal(np.sort(got.ravel()), np.sort(want))
