"""User-set delay extrema, node placement keys, SynapseCollection.sources()/targets() and
GetConnections' argument checks.

Contract: the delay extrema behave as NEST 3.10's DelayChecker (set together, rounded to the
grid — min_delay down, max_delay up —, refused once connections exist, every later delay
checked against them, kept across a resolution change) and Simulate slices by min_delay. The
expectations are not written down: each case runs live on NEST 3.10 and on spindle (skipped
where NEST is not importable) and the outcomes — a value, or the exception's class — are
compared. `thread`, `vp` and `thread_local_id` are spindle's own placement (a departure, see
docs/python.md), checked against the engine's partitioning rule on their own.
"""

import warnings

import numpy as np
import pytest


def _outcome(module, case):
    module.ResetKernel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = case(module)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return ("raises", [c.__name__ for c in type(e).__mro__])
    return ("ok", _plain(value))


def _plain(v):
    if type(v).__name__ in ("NodeCollection", "SynapseCollection"):
        return (type(v).__name__, len(v))
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (np.integer, np.floating, np.bool_)):
        return v.item()
    return v


def _extrema(m):
    return m.GetKernelStatus(["min_delay", "max_delay"])


def _set(m, lo, hi, resolution=None):
    if resolution is not None:
        m.resolution = resolution
    m.SetKernelStatus({"min_delay": lo, "max_delay": hi})
    return _extrema(m)


def _pair(m, lo=0.5, hi=2.0):
    m.SetKernelStatus({"min_delay": lo, "max_delay": hi})
    return m.Create("iaf_psc_alpha", 2)


def _connect(m, delay, lo=0.5, hi=2.0):
    n = _pair(m, lo, hi)
    m.Connect(n[0], n[1], syn_spec={"delay": delay})
    return _extrema(m), m.num_connections


def _recorded(m, lo, hi):
    """A multimeter's event order follows the min-delay slices; spikes must not move."""
    if lo is not None:
        m.SetKernelStatus({"min_delay": lo, "max_delay": hi})
    n = m.Create("iaf_psc_alpha", 3, {"I_e": 400.0})
    mm = m.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.3})
    sr = m.Create("spike_recorder")
    m.Connect(n[0], n[1:], syn_spec={"delay": 1.0, "weight": 50.0})
    m.Connect(mm, n)
    m.Connect(n, sr)
    m.Simulate(30.0)
    ev = mm.get("events")
    sp = sr.get("events")
    return (
        _extrema(m),
        ev["senders"].tolist(),
        ev["times"].tolist(),
        ev["V_m"].tolist(),
        sp["senders"].tolist(),
        sp["times"].tolist(),
    )


CASES = {
    # setting and rounding
    "default": _extrema,
    "set": lambda m: _set(m, 0.5, 2.0),
    "round min down max up": lambda m: _set(m, 0.25, 0.25),
    "float artefact of 0.7": lambda m: _set(m, 0.7, 1.3),
    "min above max after rounding": lambda m: _set(m, 0.17, 0.12),
    "min greater than max": lambda m: _set(m, 0.5, 0.2),
    "min below resolution": lambda m: _set(m, 0.05, 3.0),
    "only min": lambda m: m.SetKernelStatus({"min_delay": 0.5}),
    "only max": lambda m: m.SetKernelStatus({"max_delay": 3.0}),
    "attribute alone": lambda m: setattr(m, "min_delay", 0.3),
    "with resolution in one dict": lambda m: (
        m.SetKernelStatus({"min_delay": 2.1, "max_delay": 12.3, "resolution": 0.2}),
        _extrema(m),
    )[1],
    "then finer resolution": lambda m: (_set(m, 2.1, 12.3), _set_res(m, 0.001))[1],
    "then coarser resolution": lambda m: (_set(m, 2.1, 12.3), _set_res(m, 1.0))[1],
    "then resolution above min": lambda m: (_set(m, 0.1, 0.3), _set_res(m, 0.2))[1],
    "after nodes": lambda m: (m.Create("iaf_psc_alpha"), _set(m, 0.5, 2.0))[1],
    "after a connection": lambda m: (_connect(m, 1.0), _set(m, 0.2, 5.0))[1],
    "after a default connection": lambda m: (
        m.Connect(*m.Create("iaf_psc_alpha", 2)),
        _set(m, 0.2, 5.0),
    )[1],
    "after Simulate without connections": lambda m: (
        m.Create("iaf_psc_alpha"),
        m.Simulate(5.0),
        _set(m, 0.5, 2.0),
        m.Simulate(5.0),
        _extrema(m),
    )[-1],
    # connections against the extrema
    "delay inside": lambda m: _connect(m, 1.0),
    "delay at the bounds": lambda m: (_connect(m, 0.5), _connect(m, 2.0)),
    "delay below min": lambda m: _connect(m, 0.3),
    "delay above max": lambda m: _connect(m, 3.0),
    "default delay outside": lambda m: _connect(m, 1.0, 0.2, 0.5),
    "rule statement outside": lambda m: (
        _pair(m),
        m.Connect(*m.Create("iaf_psc_alpha", 2), "all_to_all", {"delay": 3.0}),
    ),
    "generator to recorder outside": lambda m: (
        m.SetKernelStatus({"min_delay": 0.5, "max_delay": 2.0}),
        m.Connect(
            m.Create("spike_generator"), m.Create("spike_recorder"), syn_spec={"delay": 0.1}
        ),
    ),
    "neuron to recorder outside": lambda m: (
        _pair(m),
        m.Connect(m.NodeCollection([1]), m.Create("spike_recorder"), syn_spec={"delay": 3.0}),
    ),
    "multimeter outside": lambda m: (
        _pair(m),
        m.Connect(m.Create("multimeter"), m.NodeCollection([1]), syn_spec={"delay": 3.0}),
    ),
    "SynapseCollection.set inside": lambda m: (
        _connect(m, 1.0),
        m.GetConnections().set(delay=1.5),
        m.GetConnections().get("delay"),
    )[-1],
    "SynapseCollection.set above": lambda m: (
        _connect(m, 1.0),
        m.GetConnections().set(delay=3.0),
    ),
    "SynapseCollection.set below": lambda m: (
        _connect(m, 1.0),
        m.GetConnections().set(delay=0.2),
    ),
    "SetDefaults delay outside": lambda m: (
        _pair(m),
        m.SetDefaults("static_synapse", {"delay": 3.0}),
    ),
    "CopyModel delay outside": lambda m: (
        _pair(m),
        m.CopyModel("static_synapse", "slow", {"delay": 3.0}),
    ),
    "CopyModel with a bad delay still makes the model": lambda m: (
        _pair(m),
        _raises(lambda: m.CopyModel("static_synapse", "slow", {"delay": 3.0})),
        "slow" in m.synapse_models,
    ),
    # SynapseCollection.sources() / targets()
    "sources and targets": lambda m: _sources_targets(m),
    "sources of one connection": lambda m: (
        m.Connect(*m.Create("iaf_psc_alpha", 2)),
        list(m.GetConnections()[0].sources()),
        list(m.GetConnections()[0].targets()),
    )[1:],
    "sources of none": lambda m: list(m.GetConnections().sources()),
}

# GetConnections checks its arguments also when no node exists (NEST's ticket 692).
for _key in ("source", "target"):
    for _value in (0, 0.0, "", {}, "foo", [1, 2]):
        CASES[f"GetConnections({_key}={_value!r})"] = (
            lambda m, k=_key, v=_value: m.GetConnections(**{k: v})
        )
        CASES[f"GetConnections({_key}={_value!r}) with nodes"] = (
            lambda m, k=_key, v=_value: (
                m.Connect(*m.Create("iaf_psc_alpha", 2)),
                m.GetConnections(**{k: v}),
            )
        )


def _set_res(m, resolution):
    m.resolution = resolution
    return _extrema(m)


def _raises(f):
    try:
        f()
    except Exception:  # noqa: BLE001
        return True
    return False


def _sources_targets(m):
    n = m.Create("iaf_psc_alpha", 4)
    m.Connect(n[:2], n[2:])
    m.Connect(n[3], n[0])
    c = m.GetConnections()
    return list(c.sources()), list(c.targets()), type(c.sources()).__name__


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(name, real_nest, nest):
    expected = _outcome(real_nest, CASES[name])
    got = _outcome(nest, CASES[name])
    if expected[0] == "raises":
        assert got[0] == "raises" and expected[1][0] in got[1], (name, expected, got)
    else:
        assert got == expected, name


@pytest.mark.parametrize("extrema", [None, (0.5, 2.0), (0.1, 1.0), (0.3, 1.0)])
def test_simulate_slices_by_the_user_min_delay(extrema, real_nest, nest):
    # NEST's multimeter events run slice by slice, so their order shows the slice length;
    # spikes and membrane potentials must not change. NEST hands a run's last slice of
    # samples over only at the next run, so it has fewer events at the end: spindle's first
    # ones are compared.
    lo, hi = extrema or (None, None)
    expected = _outcome(real_nest, lambda m: _recorded(m, lo, hi))
    got = _outcome(nest, lambda m: _recorded(m, lo, hi))
    assert expected[0] == got[0] == "ok"
    n = len(expected[1][1])
    assert n > 250
    assert got[1][0] == expected[1][0]
    for k in (1, 2, 3):
        assert got[1][k][:n] == expected[1][k]
    assert got[1][4:] == expected[1][4:]


# ---- spindle's placement of nodes on threads (a departure from NEST's round-robin) -------


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_thread_keys_are_the_engines_block_split(nest, threads):
    # Partition p of P holds the neurons with offsets n·p/P .. n·(p+1)/P of each population
    # (simulation.rs, Layout): thread and vp are p, thread_local_id counts the partition's
    # neurons in id order across populations.
    nest.local_num_threads = threads
    a = nest.Create("iaf_psc_alpha", 7)
    rec = nest.Create("spike_recorder")
    b = nest.Create("iaf_psc_exp", 5)
    expected_thread, expected_local = [], []
    counts = [0] * threads
    for pop in (a, b):
        n = len(pop)
        for offset in range(n):
            p = next(q for q in range(threads) if n * q // threads <= offset < n * (q + 1) // threads)
            expected_thread.append(p)
            expected_local.append(counts[p])
            counts[p] += 1
    neurons = a + b
    assert list(neurons.get("thread")) == expected_thread
    assert list(neurons.get("vp")) == expected_thread
    assert list(neurons.get("thread_local_id")) == expected_local
    # A device lives on no partition: thread 0 (NEST's thread-0 replica), no local id.
    assert rec.get(["thread", "vp", "thread_local_id"]) == {
        "thread": 0,
        "vp": 0,
        "thread_local_id": -1,
    }
    # _to_array("thread") groups by the same key.
    by_thread = (neurons + rec)._to_array("thread")
    for t, ids in by_thread.items():
        assert all(nest.NodeCollection([i]).thread == t for i in ids)
    assert sorted(i for ids in by_thread.values() for i in ids) == (neurons + rec).tolist()


def test_placement_does_not_change_with_simulate(nest):
    nest.local_num_threads = 2
    n = nest.Create("iaf_psc_alpha", 5)
    before = n.get(["thread", "thread_local_id"])
    nest.Connect(n, n)
    nest.Simulate(2.0)
    assert n.get(["thread", "thread_local_id"]) == before


def test_random_delay_outside_the_extrema_fails_at_the_next_build(nest):
    # NEST checks every drawn delay at Connect; spindle draws them when it builds the
    # connections (here at num_connections), and raises NEST's BadDelay message there.
    nest.SetKernelStatus({"min_delay": 0.5, "max_delay": 2.0})
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n, n, syn_spec={"delay": nest.random.uniform(0.5, 3.0)})
    with pytest.raises(nest.NESTErrors.KernelException, match="max_delay"):
        nest.num_connections
