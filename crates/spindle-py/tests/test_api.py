"""The PyNEST subset: kernel, Create, Connect, Simulate, models, NodeCollection and
SynapseCollection behave as PyNEST 3.10's (values checked against NEST where noted)."""

import threading
import time

import numpy as np
import pytest


def test_kernel_attributes_have_nest_defaults_and_can_be_set(nest):
    assert nest.resolution == 0.1
    assert nest.rng_seed == 143202461  # NEST's default seed
    assert nest.biological_time == 0.0
    assert nest.local_num_threads >= 1
    nest.resolution = 0.05
    nest.rng_seed = 7
    nest.local_num_threads = 2
    assert nest.GetKernelStatus("resolution") == 0.05
    assert nest.GetKernelStatus(["rng_seed", "local_num_threads"]) == (7, 2)
    nest.SetKernelStatus({"resolution": 0.2, "rng_seed": 9})
    status = nest.GetKernelStatus()
    assert status["resolution"] == 0.2 and status["rng_seed"] == 9
    assert status["network_size"] == 0 and status["num_connections"] == 0


def test_kernel_rejections_follow_nest(nest):
    with pytest.raises(ValueError, match="`foo` is not a valid kernel parameter"):
        nest.SetKernelStatus({"foo": 1})
    with pytest.raises(nest.kernel.BadProperty, match="read-only"):
        nest.biological_time = 3.0
    nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTErrors.KernelException, match="time representation"):
        nest.resolution = 0.05


def test_simulate_is_callable_repeatedly_and_time_accumulates(nest):
    n = nest.Create("iaf_psc_alpha", params={"I_e": 400.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    assert nest.biological_time == 100.0
    first = sr.n_events
    nest.Simulate(150.0)
    assert nest.biological_time == 250.0
    assert sr.n_events > first
    with pytest.raises(nest.kernel.BadParameter, match="multiple of the simulation resolution"):
        nest.Simulate(0.05)


def test_create_returns_node_collections_with_nest_ids(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    g = nest.Create("dc_generator", 2)  # devices with n > 1 are allowed, as in NEST
    b = nest.Create("glif_cond")
    assert a.tolist() == [1, 2, 3] and g.tolist() == [4, 5] and b.global_id == 6
    assert a.global_id == (1, 2, 3)
    assert nest.network_size == 6
    assert isinstance(a, nest.NodeCollection)


def test_create_params_forms(nest):
    a = nest.Create("iaf_psc_alpha", 3, params={"C_m": 200.0})
    assert a.C_m == (200.0, 200.0, 200.0)
    b = nest.Create("iaf_psc_alpha", 2, params=[{"I_e": 1.0}, {"I_e": 2.0}])
    assert b.get("I_e") == (1.0, 2.0)
    c = nest.Create("iaf_psc_alpha", 3, params={"V_m": np.array([-70.0, -71.0, -72.0])})
    assert c.V_m == (-70.0, -71.0, -72.0)
    # An array parameter is one value, not one per node.
    d = nest.Create("glif_cond", 2, params={"tau_syn": [1.0, 2.0], "E_rev": [0.0, -80.0]})
    assert d[0].get("tau_syn") == [1.0, 2.0]


def test_node_collection_operations(nest):
    n = nest.Create("iaf_psc_alpha", 5)
    g = nest.Create("dc_generator")
    assert len(n) == 5
    assert (n[3:] + n[:1]).tolist() == [1, 4, 5]  # + sorts, as in NEST
    with pytest.raises(nest.kernel.BadProperty, match="Cannot join overlapping"):
        n + n[1:2]
    assert n[::2].tolist() == [1, 3, 5]
    assert n[[0, 2]].tolist() == [1, 3]
    assert n[-1].global_id == 5
    assert n[np.array([True, False, True, False, False])].tolist() == [1, 3]
    assert [x.global_id for x in n[:2]] == [1, 2]
    assert 3 in n and 6 not in n and n.index(3) == 2
    assert n == nest.NodeCollection([1, 2, 3, 4, 5])
    assert (n[:2] + g).get("global_id") == (1, 2, 6)
    assert repr(n) == "NodeCollection(metadata=None, model=iaf_psc_alpha, size=5, first=1, last=5)"
    assert "model=dc_generator, size=1, first=6" in repr(n[:1] + g)
    with pytest.raises(IndexError):
        n[7]


def test_get_and_set_forms(nest):
    n = nest.Create("iaf_psc_alpha", 3)
    assert n.get("C_m") == (250.0, 250.0, 250.0)
    assert n[0].get("C_m") == 250.0
    assert n.get(["C_m", "V_th"]) == {"C_m": (250.0,) * 3, "V_th": (-55.0,) * 3}
    assert n[0].get("C_m", "V_th") == {"C_m": 250.0, "V_th": -55.0}
    full = n[0].get()
    assert full["model"] == "iaf_psc_alpha" and full["global_id"] == 1
    assert full["element_type"] == "neuron" and "V_m" in full["recordables"]
    assert n.get()["global_id"] == (1, 2, 3)
    n[:2].set({"C_m": 100.0})
    n.set(V_m=[-70.0, -71.0, -72.0])
    n.V_th = -50.0
    assert n.C_m == (100.0, 100.0, 250.0)
    assert n.V_m == (-70.0, -71.0, -72.0)
    assert n.V_th == (-50.0,) * 3
    n.set([{"I_e": 1.0}, {"I_e": 2.0}, {"I_e": 3.0}])
    assert n.I_e == (1.0, 2.0, 3.0)
    with pytest.raises(KeyError):
        n.get("foo")
    assert not hasattr(n, "foo")
    with pytest.raises(nest.kernel.BadProperty, match="Capacitance"):
        n.set(C_m=-3.0)
    assert n.C_m == (100.0, 100.0, 250.0)  # a failed set changes nothing


def test_state_is_read_from_the_engine_after_simulate(nest):
    n = nest.Create("iaf_psc_alpha", params={"I_e": 200.0})
    assert n.V_m == -70.0
    nest.Simulate(10.0)
    v = n.V_m
    assert v > -70.0
    # The network stays live: a change acts from the next step on, a new node joins it.
    n.set(I_e=0.0, V_m=-60.0)
    assert n.V_m == -60.0 and n.I_e == 0.0
    m = nest.Create("iaf_psc_alpha")
    assert m.global_id == n.global_id + 1
    nest.Simulate(10.0)
    assert n.V_m < -60.0  # decays towards E_L without input
    assert m.V_m == -70.0


def test_errors_are_nest_exceptions(nest):
    with pytest.raises(nest.kernel.UnknownModelName, match="nosuch is not a known model name"):
        nest.Create("nosuch")
    with pytest.raises(
        nest.kernel.BadProperty,
        match="Setting status of a 'iaf_psc_alpha' with node ID 1: .*Capacitance",
    ):
        nest.Create("iaf_psc_alpha", params={"C_m": -1.0})
    with pytest.raises(nest.kernel.UnaccessedDictionaryEntry, match="foo"):
        nest.Create("iaf_psc_alpha", params={"foo": 1.0})
    g = nest.Create("glif_cond")
    sg = nest.Create("spike_generator")
    dc = nest.Create("dc_generator")
    with pytest.raises(nest.kernel.IncompatibleReceptorType, match="Receptor type 0"):
        nest.Connect(sg, g, syn_spec={"receptor_type": 0})
    with pytest.raises(nest.kernel.UnknownReceptorType, match="Receptor type 1 is not available"):
        nest.Connect(dc, g, syn_spec={"receptor_type": 1})
    with pytest.raises(nest.kernel.BadDelay):
        nest.Connect(g, g, syn_spec={"delay": 0.01, "receptor_type": 1})
    with pytest.raises(nest.kernel.BadProperty, match="one_to_one_x"):
        nest.Connect(g, g, "one_to_one_x")
    with pytest.raises(nest.NESTErrors.UnknownComponent):
        nest.GetDefaults("nosuch")
    # One hierarchy, under every spelling PyNEST has used.
    assert issubclass(nest.kernel.BadProperty, nest.NESTError)
    assert nest.NESTErrors.BadProperty is nest.kernel.BadProperty
    assert nest.kernel.NESTError is nest.NESTError is nest.NESTErrors.KernelException
    assert nest.GetConnections().get("source") == []  # failed Connects made nothing


def test_connect_rules_and_get_connections(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(a, b)  # all_to_all
    nest.Connect(a, b[:3], "one_to_one", {"weight": 2.5, "delay": 1.5})
    nest.Connect(b, a, {"rule": "fixed_indegree", "indegree": 2})
    assert nest.num_connections == 12 + 3 + 6
    c = nest.GetConnections(source=a, target=b[:3])
    assert len(c) == 9 + 3
    one = nest.GetConnections(source=a[0], target=b[0])
    assert one.get("weight") == [1.0, 2.5] and one.get("delay") == [1.0, 1.5]
    assert one.source == [1, 1] and one.target == [4, 4]
    into_a = nest.GetConnections(target=a)
    assert len(into_a) == 6 and set(into_a.get("source")) <= set(b.tolist())
    assert sorted(into_a.get("target")) == [1, 1, 2, 2, 3, 3]
    first = nest.GetConnections()[0].get()
    assert {k: first[k] for k in ("source", "target", "weight", "delay", "synapse_model")} == {
        "source": 1,
        "target": 4,
        "weight": 1.0,
        "delay": 1.0,
        "synapse_model": "static_synapse",
    }
    assert first["receptor"] == 0  # NEST's keys; test_synapses.py compares them with NEST


def test_connecting_part_of_a_population(nest):
    n = nest.Create("iaf_psc_alpha", 6)
    sr = nest.Create("spike_recorder")
    nest.Connect(n[1:3] + n[4:5], sr)
    nest.Connect(n[0], n[5], syn_spec={"weight": 3.0})
    c = nest.GetConnections(target=sr)
    assert c.source == [2, 3, 5]
    assert nest.GetConnections(source=n[0]).get(["target", "weight"]) == {
        "target": 6,
        "weight": 3.0,
    }


def test_defaults_setdefaults_and_copymodel(nest):
    d = nest.GetDefaults("glif_cond")
    assert d["C_m"] == 58.72 and d["tau_syn"] == [0.2, 2.0]
    assert "g_1" in d["recordables"] and d["element_type"] == "neuron"
    assert nest.GetDefaults("iaf_psc_alpha", "C_m") == 250.0
    # A list of keys gives a list of values, as in NEST 3.10.
    assert nest.GetDefaults("multimeter", ["interval", "record_from"]) == [1.0, []]
    nest.SetDefaults("iaf_psc_alpha", {"C_m": 20.0})
    assert nest.Create("iaf_psc_alpha").C_m == 20.0
    nest.CopyModel("iaf_psc_alpha", "my_neuron", {"V_th": -52.0})
    m = nest.Create("my_neuron")
    assert m.get("model") == "my_neuron" and m.V_th == -52.0 and m.C_m == 20.0
    assert nest.GetDefaults("my_neuron", "V_th") == -52.0
    assert "my_neuron" in nest.node_models
    nest.CopyModel("static_synapse", "strong", {"weight": 5.0})
    nest.Connect(m, m, syn_spec={"synapse_model": "strong", "delay": 2.0})
    assert nest.GetConnections(source=m).get(["weight", "delay"]) == {"weight": 5.0, "delay": 2.0}
    with pytest.raises(nest.kernel.NewModelNameExists):
        nest.CopyModel("iaf_psc_alpha", "my_neuron")
    with pytest.raises(nest.kernel.BadProperty):
        nest.SetDefaults("iaf_psc_alpha", {"C_m": -1.0})


def test_recorder_events_have_nest_layout(nest):
    nest.resolution = 0.1
    n = nest.Create("iaf_psc_alpha", 3, params={"I_e": 400.0})
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Connect(n, n, syn_spec={"delay": 0.3})
    nest.Simulate(0.9)
    ev = mm.events
    assert set(ev) == {"times", "senders", "V_m"}
    assert ev["times"].dtype == np.float64 and ev["senders"].dtype == np.int64
    # NEST 3.10 gives exactly this layout here: by min-delay slice (0.3 ms), then sender; the
    # samples of the slice the run ended in (0.6, 0.9] come with the next Simulate.
    np.testing.assert_allclose(
        ev["times"], np.tile(np.repeat([[0.1, 0.2, 0.3]], 3, axis=0).ravel(), 2) + np.repeat(
            [0.0, 0.3], 9
        )
    )
    assert ev["senders"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3] * 2
    assert mm.n_events == 18
    spikes = sr.events
    assert set(spikes) == {"times", "senders"} and spikes["times"].dtype == np.float64
    nest.Simulate(100.0)
    assert sr.n_events == len(sr.events["times"]) > 0
    sr.n_events = 0  # forgets the events so far, as in NEST
    assert sr.n_events == 0 and len(sr.get("events")["times"]) == 0
    nest.Simulate(100.0)
    assert sr.n_events > 0 and sr.events["times"].min() > 100.9


def test_reset_kernel_forgets_everything(nest):
    n = nest.Create("iaf_psc_alpha", 2)
    nest.resolution  # noqa: B018
    nest.ResetKernel()
    assert nest.network_size == 0 and nest.resolution == 0.1
    with pytest.raises(nest.NESTError, match="ResetKernel"):
        n.get("C_m")
    m = nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(nest.NESTError, match="ResetKernel"):
        nest.Connect(n, m)


def test_set_verbosity(nest):
    nest.set_verbosity("M_ERROR")
    assert nest.get_verbosity() == 30  # an int, as NEST 3.10 returns it
    assert nest.verbosity == nest.VerbosityLevel.ERROR
    with pytest.raises(nest.kernel.BadProperty):
        nest.set_verbosity("M_LOUD")


def test_warnings_are_shown_unless_quiet(nest):
    g = nest.Create("glif_cond")
    sg = nest.Create("spike_generator")
    with pytest.warns(RuntimeWarning, match="negative"):
        nest.Connect(sg, g, syn_spec={"weight": -1.0, "receptor_type": 1})


def test_engine_runs_with_the_gil_released(nest):
    nest.local_num_threads = 1
    n = nest.Create("iaf_psc_alpha", 3000, params={"I_e": 376.0})
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 50}, {"weight": 0.1})
    nest.Simulate(0.1)  # build outside the measurement
    done = threading.Event()
    ran = []

    def run():
        started = time.perf_counter()
        nest.Simulate(3000.0)
        ran.append(time.perf_counter() - started)
        done.set()

    worker = threading.Thread(target=run)
    ticks = 0
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # With the GIL held for the whole run the loop above could not tick while it lasted.
    assert ran[0] > 0.05
    assert ticks >= 0.25 * ran[0] / 0.0012, (ticks, ran)


def test_synapse_defaults_count_connections_and_create_takes_a_dict(nest):
    # As NEST 3.10: GetDefaults(synapse)["num_connections"] counts that model's connections,
    # recorder connections included; Create(model, params) makes one node.
    assert nest.GetDefaults("static_synapse")["num_connections"] == 0
    n = nest.Create("iaf_psc_alpha", {"I_e": 5.0})
    assert len(n) == 1 and n.I_e == 5.0
    m = nest.Create("iaf_psc_alpha", 2)
    sr = nest.Create("spike_recorder")
    nest.Connect(n + m, n + m)
    nest.Connect(n + m, sr)
    assert nest.GetDefaults("static_synapse")["num_connections"] == 12 == nest.num_connections
    nest.CopyModel("static_synapse", "exc")
    assert nest.GetDefaults("exc")["num_connections"] == 0
    with pytest.raises(ValueError):
        nest.Create("iaf_psc_alpha", {"I_e": 5.0}, params={})


def test_construction_and_simulation_times_accumulate(nest):
    status = nest.GetKernelStatus()
    assert status["time_simulate"] == 0.0
    nest.Create("iaf_psc_alpha", 10)
    nest.Simulate(10.0)
    first = nest.GetKernelStatus("time_simulate")
    assert first > 0.0 and nest.GetKernelStatus("time_construction_create") > 0.0
    nest.Simulate(10.0)
    assert nest.GetKernelStatus("time_simulate") > first


def test_time_in_steps_gives_steps_and_offsets_and_is_fixed_at_simulate(nest):
    # NEST 3.10's memory backend with time_in_steps: times as int steps, offsets 0.0 for
    # on-grid times; changing it after Simulate raises BadProperty.
    n = nest.Create("iaf_psc_alpha", params={"I_e": 400.0})
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "time_in_steps": True})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Simulate(60.0)
    assert sr.time_in_steps
    t = sr.events["times"]
    assert t.dtype == np.int64 and len(t) > 0 and np.all(sr.events["offsets"] == 0.0)
    assert mm.events["times"][:3].tolist() == [10, 20, 30]
    with pytest.raises(nest.kernel.BadProperty, match="after Simulate"):
        sr.time_in_steps = False
