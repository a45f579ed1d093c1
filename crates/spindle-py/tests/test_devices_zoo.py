"""The voltmeter and the generators added with it (`ac_generator`, `noise_generator`,
`sinusoidal_poisson_generator`, `pulsepacket_generator`, `inhomogeneous_poisson_generator`)
through PyNEST's API: NEST 3.10's model names, defaults, GetStatus values, exceptions, and a
voltmeter wherever a multimeter works (events, voltage_trace, export to a scenario)."""

import numpy as np
import pytest


def test_voltmeter_is_a_multimeter_recording_v_m(nest):
    vm = nest.Create("voltmeter")
    assert vm.get("model") == "voltmeter"
    assert list(vm.get("record_from")) == ["V_m"]
    assert nest.GetDefaults("voltmeter", "record_from") == ["V_m"]
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 400.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    nest.Connect(vm, n)
    nest.Connect(mm, n)
    nest.Simulate(30.0)
    ev, mev = vm.events, mm.events
    assert set(ev) == {"times", "senders", "V_m"}
    # 30 ms at 1 ms intervals, less the last min-delay slice (NEST shows it after the next run)
    assert len(ev["times"]) == 2 * 29
    for k in ("times", "senders", "V_m"):
        assert np.array_equal(ev[k], mev[k]), k
    assert vm.n_events == 58


def test_voltmeter_with_other_recordables(nest):
    vm = nest.Create("voltmeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5})
    n = nest.Create("iaf_psc_alpha")
    nest.Connect(vm, n)
    nest.Simulate(5.0)
    assert set(vm.events) == {"times", "senders", "V_m", "I_syn_ex"}
    # 0.5 … 4.0 ms: the samples of the last min-delay slice (4, 5] come with the next run
    assert len(vm.events["V_m"]) == 8


def test_voltage_trace_plots_a_voltmeter(nest):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(vm, nest.Create("iaf_psc_exp", 2, params={"I_e": 300.0}))
    nest.Simulate(20.0)
    import matplotlib.pyplot as plt

    try:
        lines = nest.voltage_trace.from_device(vm)
        assert len(lines) == 2
    finally:
        plt.close("all")  # later tests save every open figure


def test_generators_have_nests_defaults(nest):
    assert nest.GetDefaults("noise_generator", ["mean", "std", "std_mod", "dt"]) == [0.0, 0.0, 0.0, 1.0]
    assert nest.GetDefaults("sinusoidal_poisson_generator", "individual_spike_trains") is True
    assert nest.GetDefaults("pulsepacket_generator", "activity") == 0
    ac = nest.Create("ac_generator", params={"amplitude": 3.0, "frequency": 7.0})
    assert ac.get(["amplitude", "offset", "frequency", "phase", "y_0", "y_1"]) == {
        "amplitude": 3.0, "offset": 0.0, "frequency": 7.0, "phase": 0.0, "y_0": 0.0, "y_1": 0.0,
    }
    sp = nest.Create("sinusoidal_poisson_generator", params={"frequency": 33.0, "phase": 17.0})
    # Kept in NEST's internal units and converted back as NEST does.
    assert sp.get("frequency") == 33.0 and sp.get("phase") == 17.0


def test_generator_refusals_are_nests(nest):
    ng = nest.Create("noise_generator")
    with pytest.raises(nest.NESTErrors.StepMultipleRequired):
        ng.set(dt=0.15)
    with pytest.raises(nest.NESTErrors.BadProperty, match="apmlitude"):
        ng.set(std=1.0, std_mod=2.0)
    sp = nest.Create("sinusoidal_poisson_generator")
    with pytest.raises(nest.NESTErrors.BadProperty, match="SetDefaults or upon CopyModel"):
        sp.set(individual_spike_trains=False)
    pp = nest.Create("pulsepacket_generator")
    with pytest.raises(nest.NESTErrors.BadProperty, match="activity cannot be negative"):
        pp.set(activity=-1)
    ip = nest.Create("inhomogeneous_poisson_generator")
    with pytest.raises(nest.NESTErrors.BadProperty, match="reset together"):
        ip.set(rate_times=[1.0])
    nest.Simulate(2.0)
    with pytest.raises(nest.NESTErrors.BadProperty, match="strictly in the future"):
        ip.set(rate_times=[1.0], rate_values=[5.0])


def test_shared_sinusoidal_train_through_set_defaults(nest):
    nest.SetDefaults("sinusoidal_poisson_generator", {"individual_spike_trains": False})
    sp = nest.Create("sinusoidal_poisson_generator", params={"rate": 2000.0, "amplitude": 500.0, "frequency": 20.0})
    assert sp.get("individual_spike_trains") is False
    parrots = nest.Create("parrot_neuron", 3)
    sr = nest.Create("spike_recorder")
    nest.Connect(sp, parrots)
    nest.Connect(parrots, sr)
    nest.Simulate(100.0)
    t, s = sr.events["times"], sr.events["senders"]
    trains = [t[s == p] for p in parrots.tolist()]
    assert len(trains[0]) > 50
    assert all(np.array_equal(trains[0], x) for x in trains[1:])


def test_pulsepacket_and_ac_drive_neurons(nest):
    pp = nest.Create("pulsepacket_generator", params={"pulse_times": [5.0, 15.0], "activity": 3})
    sr = nest.Create("spike_recorder")
    nest.Connect(pp, sr)
    ac = nest.Create("ac_generator", params={"amplitude": 100.0, "offset": 400.0, "frequency": 50.0})
    n = nest.Create("iaf_psc_alpha")
    nest.Connect(ac, n)
    nest.Connect(n, sr)
    nest.Simulate(40.0)
    t, s = sr.events["times"], sr.events["senders"]
    # Sent one step after the packet time, with multiplicity 3.
    assert list(np.rint(t[s == pp.global_id] / 0.1)) == [51] * 3 + [151] * 3
    assert np.sum(s == n.global_id) > 0


def test_export_round_trip_with_the_new_devices(nest, spindle_bin, tmp_path):
    h5py = pytest.importorskip("h5py")
    import subprocess

    nest.resolution = 0.1
    n = nest.Create("iaf_psc_exp", 3, params={"I_e": 200.0})
    ac = nest.Create("ac_generator", params={"amplitude": 80.0, "frequency": 25.0})
    noise = nest.Create("noise_generator", params={"mean": 50.0, "std": 40.0, "dt": 0.5})
    ip = nest.Create("inhomogeneous_poisson_generator", params={"rate_times": [5.0], "rate_values": [4000.0]})
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(ac, n)
    nest.Connect(noise, n)
    nest.Connect(ip, n, syn_spec={"weight": 30.0})
    nest.Connect(vm, n)
    nest.Simulate(30.0)
    exported = tmp_path / "zoo.toml"
    nest.export_scenario(str(exported))
    assert 'model = "voltmeter"' in exported.read_text()
    out = tmp_path / "zoo.h5"
    subprocess.run([str(spindle_bin), "run", str(exported), "--output", str(out), "--quiet", "--overwrite"], check=True)
    with h5py.File(out, "r") as f:
        groups = [g for g in f.values() if isinstance(g, h5py.Group) and g.attrs.get("model") == "voltmeter"]
        assert len(groups) == 1
        from test_export import assert_same_recordings

        name = [k for k in f if f[k] == groups[0]][0]
        assert_same_recordings({name: vm.events}, f, 0.1, nest.GetKernelStatus("min_delay"))
