"""`spike_train_injector`, NEST 3.10's spike generator that is a neuron, compared live with
NEST: its keys and GetStatus (rounded and precise times), its spikes through static and
plastic synapses and straight into a spike recorder (multiplicities as repeated rows), several
injectors with their own times, the activity window and origin, and NEST's exceptions."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def real_nest():
    nest = pytest.importorskip("nest")
    nest.set_verbosity("M_ERROR")
    return nest


def _run(m, scenario):
    m.ResetKernel()
    m.set(resolution=0.1)
    try:
        return scenario(m)
    except Exception as e:  # noqa: BLE001 - the class name is what is compared
        # NEST's message: its last line, without the "… with node ID n: " prefix
        lines = [ln.strip() for ln in str(e).split(": ")[-1].splitlines() if ln.strip()]
        return type(e).__name__, lines[-1] if "Note that" not in lines[-1] else lines[-2]


def _events(rec):
    ev = rec.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    return list(zip(np.asarray(ev["times"])[order].round(9), np.asarray(ev["senders"])[order]))


def _through_parrots(m, syn=None):
    inj = m.Create("spike_train_injector", 3, params={"spike_times": [1.0, 2.5, 2.5, 4.2]})
    inj[1].set(spike_times=[0.7, 3.0], spike_multiplicities=[2, 3])
    inj[2].set(origin=1.0, start=1.0, stop=3.0)
    parrots = m.Create("parrot_neuron", 3)
    sr, direct = m.Create("spike_recorder"), m.Create("spike_recorder")
    m.Connect(inj, parrots, "one_to_one", syn_spec=dict(syn or {}, delay=0.7))
    m.Connect(parrots, sr)
    m.Connect(inj, direct)
    m.Simulate(4.0)
    m.Simulate(3.0)
    return _events(sr), _events(direct)


def _plastic(m):
    inj = m.Create("spike_train_injector", params={"spike_times": [1.0, 5.0, 9.0]})
    post = m.Create("iaf_psc_alpha", params={"I_e": 400.0})
    m.Connect(inj, post, syn_spec={"synapse_model": "stdp_synapse", "weight": 50.0, "delay": 1.0})
    sr = m.Create("spike_recorder")
    m.Connect(post, sr)
    m.Simulate(40.0)
    return _events(sr), m.GetConnections(inj).get("weight")


CASES = {
    "spikes through parrots": _through_parrots,
    "spikes through stdp_synapse": _plastic,
    "status": lambda m: {
        k: np.asarray(v).tolist()
        for k, v in m.Create(
            "spike_train_injector", params={"spike_times": [1.0, 1.05, 3.0001], "allow_offgrid_times": True}
        )
        .get(["spike_times", "allow_offgrid_times", "precise_times", "shift_now_spikes", "origin", "start", "stop"])
        .items()
    },
    "precise times": lambda m: np.asarray(
        m.Create("spike_train_injector", params={"spike_times": [1.0, 1.05, 3.0001], "precise_times": True}).spike_times
    ).tolist(),
    "off-grid time": lambda m: m.Create("spike_train_injector", params={"spike_times": [1.05]}),
    "unsorted times": lambda m: m.Create("spike_train_injector", params={"spike_times": [2.0, 1.0]}),
    "time zero": lambda m: m.Create("spike_train_injector", params={"spike_times": [0.0]}),
    "precise with offgrid": lambda m: m.Create(
        "spike_train_injector", params={"precise_times": True, "allow_offgrid_times": True}
    ),
    "spike input": lambda m: m.Connect(m.Create("parrot_neuron"), m.Create("spike_train_injector")),
    "current input": lambda m: m.Connect(m.Create("dc_generator"), m.Create("spike_train_injector")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(real_nest, nest, name):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _run(real_nest, CASES[name])
    got = _run(nest, CASES[name])
    if isinstance(want, tuple) and isinstance(want[0], str):
        assert isinstance(got, tuple) and got[0] == want[0], (want, got)
        # spindle's messages say NEST's words and then more (the offending value, the grid)
        assert want[1].rstrip(".").lower() in got[1].lower(), (want, got)
    else:
        assert repr(got) == repr(want)


def test_recorder_counts_multiplicities_as_rows(nest):
    inj = nest.Create("spike_train_injector", params={"spike_times": [1.0, 2.0], "spike_multiplicities": [2, 3]})
    sr = nest.Create("spike_recorder")
    nest.Connect(inj, sr)
    nest.Simulate(5.0)
    assert list(sr.events["times"]) == [1.0, 1.0, 2.0, 2.0, 2.0]
    assert nest.GetDefaults("spike_train_injector", "element_type") == "neuron"
