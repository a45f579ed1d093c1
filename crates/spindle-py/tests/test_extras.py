"""PyNEST's helper functions on spindle (`_extras.py`, `raster_plot.py`, `voltage_trace.py`).

Contract: each helper answers as NEST 3.10's does. The expected texts (PrintNodes' layout,
the ASCII spike file, `VerbosityLevel`'s values, build_info's keys) were obtained by running
NEST 3.10; the plots are checked against the recorder's own events and an independent count,
not against stored pictures.
"""

import json
import re
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---- one process --------------------------------------------------------------------------


def test_rank_and_processes_are_those_of_one_process(nest):
    assert nest.Rank() == 0
    assert nest.NumProcesses() == 1
    nest.local_num_threads = 3
    assert nest.GetLocalVPs() == range(0, 3, 1)
    assert nest.SyncProcesses() is None


def test_get_local_node_collection_is_the_whole_collection(nest):
    nodes = nest.Create("iaf_psc_alpha", 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nest.GetLocalNodeCollection(nodes) == nodes
        assert nest.GetLocalNodeCollection(nodes[1:3]) == nodes[1:3]
        assert len(nest.GetLocalNodeCollection(nest.NodeCollection())) == 0
        with pytest.raises(TypeError):
            nest.GetLocalNodeCollection([1, 2])


# ---- verbosity, nest.set / nest.get -------------------------------------------------------


def test_verbosity_levels_are_nests():
    import spindle

    # NEST 3.10: [(m.name, int(m)) for m in nest.VerbosityLevel]
    assert [(m.name, int(m)) for m in spindle.VerbosityLevel] == [
        ("ALL", 0),
        ("DEBUG", 5),
        ("STATUS", 7),
        ("INFO", 10),
        ("PROGRESS", 15),
        ("DEPRECATED", 18),
        ("WARNING", 20),
        ("ERROR", 30),
        ("FATAL", 40),
        ("QUIET", 100),
    ]


def test_every_verbosity_level_round_trips_through_set_and_get(nest):
    for level in nest.VerbosityLevel:
        nest.set(verbosity=level)
        assert nest.get("verbosity") is level
        assert nest.get()["verbosity"] is level


def test_module_get_and_set_forward_to_the_kernel_status(nest):
    nest.set(rng_seed=12345)
    assert nest.rng_seed == 12345
    assert nest.get("rng_seed") == 12345
    nest.set(rng_seed=345678, resolution=0.25)
    assert nest.get("rng_seed", "resolution") == (345678, 0.25)
    assert nest.get()["resolution"] == 0.25
    with pytest.raises(KeyError):
        nest.get("accessAbsolutelyUnknownKernelAttribute")
    with pytest.raises(ValueError):
        nest.set(accessAbsolutelyUnknownKernelAttribute=1)
    # The package's own `set` builtin is not shadowed: SetKernelStatus still works.
    nest.SetKernelStatus({"rng_seed": 7})
    assert nest.rng_seed == 7


# ---- messages -----------------------------------------------------------------------------

STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


def test_message_is_filtered_by_verbosity_and_split_by_severity(nest, capsys):
    nest.set(verbosity=nest.VerbosityLevel.WARNING)
    nest.message("not shown")
    nest.message("a warning", nest.VerbosityLevel.WARNING)
    nest.message("an error", nest.VerbosityLevel.ERROR)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf"\[WARNING\] \[{STAMP}\] a warning", lines[0])
    assert re.fullmatch(rf"\[ERROR\] \[{STAMP}\] an error", lines[1])

    nest.set(verbosity=nest.VerbosityLevel.INFO)
    nest.message("some info")
    out, err = capsys.readouterr()
    assert re.fullmatch(rf"\[INFO\] \[{STAMP}\] some info\n", out) and err == ""


def test_message_names_its_caller_at_debug_verbosity(nest, capsys):
    nest.set(verbosity=nest.VerbosityLevel.DEBUG)

    def caller():
        nest.message("from caller", nest.VerbosityLevel.DEBUG)

    caller()
    nest.message("given", nest.VerbosityLevel.STATUS, function="f", filename="x.py", lineno=7)
    out = capsys.readouterr().out.splitlines()
    here = r".*test_extras\.py:\d+ @ caller"
    assert re.fullmatch(rf"\[DEBUG\] \[{STAMP} {here}\] from caller", out[0])
    assert re.fullmatch(rf"\[STATUS\] \[{STAMP} x\.py:7 @ f\] given", out[1])


# ---- PrintNodes ---------------------------------------------------------------------------


def test_print_nodes_has_nests_layout(nest, capsys):
    nest.PrintNodes()
    assert capsys.readouterr().out == "\n"  # NEST 3.10 prints an empty line

    nest.Create("parrot_neuron")
    nest.PrintNodes()
    assert capsys.readouterr().out == "1      parrot_neuron\n"

    nest.ResetKernel()
    nest.CopyModel("iaf_psc_alpha", "my_iaf")
    nest.Create("iaf_psc_alpha", 2)
    nest.Create("iaf_psc_alpha", 3)
    nest.Create("my_iaf", 95)
    nest.Create("spike_recorder")
    nest.Create("iaf_psc_alpha", 2)
    nest.PrintNodes()
    # NEST 3.10, same calls.
    assert capsys.readouterr().out == (
        "  1 ..   5 iaf_psc_alpha\n"
        "  6 .. 100 my_iaf\n"
        "101        spike_recorder\n"
        "102 .. 103 iaf_psc_alpha\n"
    )


# ---- Install, build_info, RunManager, to_json ---------------------------------------------


def test_install_raises_nests_error_for_a_module_it_cannot_load(nest):
    with pytest.raises(nest.NESTErrors.DynamicModuleManagementError, match="'mymodule'"):
        nest.Install("mymodule")
    with pytest.raises(nest.NESTError):
        nest.Install("nestmlmodule")


# The keys of NEST 3.10's GetKernelStatus("build_info").
NEST_BUILD_INFO_KEYS = {
    "built", "datadir", "docdir", "exitcode", "have_boost", "have_gsl", "have_hdf5",
    "have_libneurosim", "have_mpi", "have_music", "have_sionlib", "have_threads", "host",
    "hostcpu", "hostos", "hostvendor", "ndebug", "prefix", "test_exitcodes", "threads_model",
    "version",
}  # fmt: skip


def test_build_info_has_nests_keys_and_spindles_answers(nest):
    info = nest.GetKernelStatus("build_info")
    assert NEST_BUILD_INFO_KEYS <= set(info)
    assert info == nest.build_info
    assert info["version"] == nest.__version__
    assert all(isinstance(info[k], bool) for k in info if k.startswith("have_"))
    # What scripts gate on: threads and the GSL models spindle has, no MPI/MUSIC/SONATA.
    assert info["have_threads"] and info["have_gsl"]
    assert not (info["have_mpi"] or info["have_music"] or info["have_hdf5"])
    assert info["test_exitcodes"]["success"] == 0
    assert re.fullmatch(r"[A-Z][a-z]{2} [ \d]\d \d{4} \d{2}:\d{2}:\d{2}", info["built"])


def test_run_manager_prepares_runs_and_cleans_up(nest):
    nest.Create("iaf_psc_alpha")
    with nest.RunManager():
        nest.Run(5.0)
        nest.Run(2.5)
    assert nest.biological_time == 7.5


def test_to_json_makes_numpy_and_collections_plain(nest):
    nodes = nest.Create("iaf_psc_alpha", 2)
    data = {"n": nodes, "a": np.arange(3), "x": np.float64(0.5), "b": np.bool_(True)}
    assert json.loads(nest.to_json(data)) == {
        "n": nodes.tolist(),
        "a": [0, 1, 2],
        "x": 0.5,
        "b": True,
    }


# ---- raster_plot --------------------------------------------------------------------------


def _spiking_network(nest):
    """Three parrots relaying spike trains of different rates into a spike recorder."""
    gens = nest.Create(
        "spike_generator",
        3,
        params=[{"spike_times": list(np.arange(1.0 + k, 100.0, 3.0 + 2 * k))} for k in range(3)],
    )
    parrots = nest.Create("parrot_neuron", 3)
    sr = nest.Create("spike_recorder")
    nest.Connect(gens, parrots, "one_to_one")
    nest.Connect(parrots, sr)
    nest.Simulate(100.0)
    return parrots, sr


def _rates(times, width, n_senders):
    """PyNEST's histogram, counted independently: bins start at min(times) every `width`
    ms below max(times); the last bin also takes everything above its start."""
    edges = np.arange(times.min(), times.max(), width)
    counts = [np.sum((times >= a) & (times < a + width)) for a in edges[:-1]]
    counts.append(np.sum(times >= edges[-1]))
    return edges, 1000 * np.array(counts) / (width * n_senders)


def test_raster_from_device_draws_the_recorders_events(nest):
    parrots, sr = _spiking_network(nest)
    times, senders = sr.events["times"], sr.events["senders"]
    assert len(times) > 50

    lines = nest.raster_plot.from_device(sr, hist_binwidth=10.0)
    raster, hist = plt.gcf().get_axes()
    x, y = lines[0].get_data()
    assert np.array_equal(x, times) and np.array_equal(y, senders)
    assert raster.get_title() == f"Raster plot from device '{sr.global_id}'"
    assert raster.get_ylabel() == "Neuron ID" and hist.get_xlabel() == "Time (ms)"

    edges, rates = _rates(times, 10.0, len(parrots))
    assert np.allclose([p.get_x() + p.get_width() / 2 for p in hist.patches], edges)
    assert np.allclose([p.get_height() for p in hist.patches], rates)


def test_raster_without_histogram_and_from_data_with_a_selection(nest):
    parrots, sr = _spiking_network(nest)
    times, senders = sr.events["times"], sr.events["senders"]

    nest.raster_plot.from_device(sr, hist=False, title="spikes")
    (ax,) = plt.gcf().get_axes()
    assert ax.get_title() == "spikes" and ax.get_xlabel() == "Time (ms)"

    data = np.column_stack([senders, times])
    chosen = parrots[0].global_id
    lines = nest.raster_plot.from_data(data, sel=[chosen])
    x, y = lines[0].get_data()
    assert np.array_equal(x, times[senders == chosen]) and set(y) == {chosen}

    window = nest.raster_plot.extract_events(data, time=[30.0, 40.0], sel=[chosen])
    expected = data[(senders == chosen) & (times >= 30.0) & (times < 40.0)]
    assert np.array_equal(window, expected)
    assert np.array_equal(nest.raster_plot.extract_events(data), data)


def test_raster_from_a_nest_ascii_file(nest, tmp_path):
    # As NEST 3.10 writes a spike_recorder with record_to="ascii".
    path = tmp_path / "spike_recorder-3-0.dat"
    path.write_text(
        "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n"
        "2\t2.000\n2\t3.500\n1\t4.000\n"
    )
    for read in (nest.raster_plot.from_file, nest.raster_plot.from_file_numpy):
        lines = read([str(path)], hist=False)
        x, y = lines[0].get_data()
        assert list(x) == [2.0, 3.5, 4.0] and list(y) == [2, 2, 1]


def test_raster_refuses_other_devices_and_empty_recordings(nest):
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    with pytest.raises(TypeError):
        nest.raster_plot.from_device(mm)
    with pytest.raises(ValueError, match="No events"):
        nest.raster_plot.from_device(sr)
    with pytest.raises(ValueError, match="No data"):
        nest.raster_plot.from_data(np.zeros((0, 2)))


# ---- voltage_trace ------------------------------------------------------------------------


def _voltage_network(nest, record_from=("V_m",)):
    neurons = nest.Create("iaf_psc_alpha", 2, params={"I_e": [376.0, 450.0]})
    mm = nest.Create("multimeter", params={"record_from": list(record_from), "interval": 1.0})
    nest.Connect(mm, neurons)
    nest.Simulate(50.0)
    return neurons, mm


def test_voltage_trace_from_device_draws_each_neurons_potential(nest):
    neurons, mm = _voltage_network(nest)
    ev = mm.events
    lines = nest.voltage_trace.from_device(mm)
    ax = plt.gca()
    assert [line.get_label() for line in ax.lines] == [f"Neuron {i}" for i in neurons.tolist()]
    for node_id, line in zip(neurons.tolist(), ax.lines):
        mine = ev["senders"] == node_id
        assert np.array_equal(line.get_xdata(), ev["times"][mine])
        assert np.array_equal(line.get_ydata(), ev["V_m"][mine])
    assert len(lines) == 2
    assert ax.get_title() == "Membrane potential"
    assert ax.get_xlabel() == "Time (ms)" and ax.get_ylabel() == "Membrane potential (mV)"


def test_voltage_trace_in_seconds_and_for_chosen_neurons(nest):
    neurons, mm = _voltage_network(nest, record_from=("V_m", "I_syn_ex"))
    ev = mm.events
    second = neurons[1].global_id
    nest.voltage_trace.from_device(mm, neurons=[second], timeunit="s", title="one")
    ax = plt.gca()
    (line,) = ax.lines
    assert np.array_equal(line.get_xdata(), ev["times"][ev["senders"] == second] / 1000.0)
    assert ax.get_xlabel() == "Time (s)" and ax.get_title() == "one"


def test_voltage_trace_from_a_three_column_file(nest, tmp_path):
    neurons, mm = _voltage_network(nest)
    ev = mm.events
    path = tmp_path / "voltage_trace.txt"
    np.savetxt(path, np.column_stack([ev["senders"], ev["times"], ev["V_m"]]))
    nest.voltage_trace.from_file(str(path))
    ax = plt.gca()
    for node_id, line in zip(neurons.tolist(), ax.lines):
        mine = ev["senders"] == node_id
        assert np.allclose(line.get_xdata(), ev["times"][mine])
        assert np.allclose(line.get_ydata(), ev["V_m"][mine])


def test_voltage_trace_refuses_devices_without_v_m(nest):
    neurons = nest.Create("iaf_psc_alpha")
    mm = nest.Create("multimeter", params={"record_from": ["I_syn_ex"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, neurons)
    with pytest.raises(ValueError, match="measuring 'V_m'"):
        nest.voltage_trace.from_device(mm)
    with pytest.raises(TypeError):
        nest.voltage_trace.from_device(sr)
    with pytest.raises(ValueError, match="single"):
        nest.voltage_trace.from_device(mm + sr)
