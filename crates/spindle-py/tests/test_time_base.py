"""NEST's configurable time base: `tics_per_ms` with `resolution` (SetKernelStatus).

Contract: every call below gives on spindle what it gives on NEST 3.10 — the same values of
the time keys (`tics_per_ms`, `ms_per_tic`, `tics_per_step`, `resolution`, the delay extrema,
a synapse's default delay), the same spikes through delays on a non-default tic base, or the
same exception class *and message*. The expectations are not written down: each case runs
live on NEST 3.10 and on spindle (skipped where NEST is not importable), on a fresh kernel.
"""

import numpy as np
import pytest


def _time_keys(m):
    return {
        k: m.GetKernelStatus(k)
        for k in ("tics_per_ms", "ms_per_tic", "tics_per_step", "resolution", "min_delay",
                  "max_delay")
    }


def _outcome(m, case):
    m.ResetKernel()
    try:
        value = case(m)
    except Exception as e:  # noqa: BLE001 - class and message are compared
        return ("raises", type(e).__name__, str(e).split("\n")[0])
    return ("ok", _plain(value))


def _plain(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (np.integer, np.floating)):
        return v.item()
    return v


def _spikes_through_delays(m):
    """A spike_generator into parrots through delays that are and are not on the grid."""
    sg = m.Create("spike_generator", params={"spike_times": [1.0, 2.5, 4.0]})
    p = m.Create("parrot_neuron", 2)
    sr = m.Create("spike_recorder")
    m.Connect(sg, p[0], syn_spec={"delay": 0.5})
    m.Connect(sg, p[1], syn_spec={"delay": 1.3})
    m.Connect(p, sr)
    m.Simulate(10.0)
    ev = sr.events
    return (
        sorted(zip(ev["times"].tolist(), ev["senders"].tolist())),
        sorted(m.GetConnections(sg).delay),
        m.biological_time,
        _time_keys(m),
    )


CASES = {
    "defaults": lambda m: _time_keys(m),
    "1024 tics, 0.25 ms": lambda m: (m.set(tics_per_ms=1024, resolution=0.25), _time_keys(m)),
    "1500 tics, 0.5 ms then 0.2 ms": lambda m: (
        m.set(tics_per_ms=1500, resolution=0.5),
        m.set(resolution=0.2),
        _time_keys(m),
    ),
    "2**14 tics": lambda m: (m.set(tics_per_ms=2**14, resolution=2**-4), _time_keys(m)),
    "tics with delay extrema": lambda m: (
        m.set(tics_per_ms=1024, resolution=0.25, min_delay=0.3, max_delay=2.0),
        _time_keys(m),
        m.GetDefaults("static_synapse")["delay"],
    ),
    "delay extrema, then tics": lambda m: (
        m.set(min_delay=0.3, max_delay=2.0),
        m.set(tics_per_ms=1024, resolution=0.25),
        _time_keys(m),
    ),
    "default delay on a coarse grid": lambda m: (
        m.set(tics_per_ms=1500, resolution=0.5),
        m.SetDefaults("static_synapse", {"delay": 0.7}),
        m.GetDefaults("static_synapse")["delay"],
    ),
    "spikes at 1024 tics": lambda m: (
        m.set(tics_per_ms=1024, resolution=0.25),
        _spikes_through_delays(m),
    ),
    "spikes at 1500 tics": lambda m: (
        m.set(tics_per_ms=1500, resolution=0.5),
        _spikes_through_delays(m),
    ),
    "tics alone": lambda m: m.set(tics_per_ms=1024),
    "tics as a float": lambda m: m.set(tics_per_ms=1024.0, resolution=0.25),
    "tics as a bool": lambda m: m.set(tics_per_ms=True, resolution=0.25),
    "below one tic": lambda m: m.set(tics_per_ms=1000, resolution=0.0001),
    "resolution alone below one tic": lambda m: m.set(resolution=0.0001),
    "not a tic multiple": lambda m: m.set(tics_per_ms=1000, resolution=0.1002),
    "1/32 ms on 1000 tics": lambda m: m.set(resolution=0.03125),
    "zero tics": lambda m: m.set(tics_per_ms=0, resolution=0.5),
    "zero resolution": lambda m: m.set(resolution=0.0),
    "NaN resolution": lambda m: m.set(tics_per_ms=1000, resolution=float("nan")),
    "after Create": lambda m: (m.Create("iaf_psc_alpha"), m.set(tics_per_ms=1500, resolution=0.5)),
    "after SetDefaults": lambda m: (
        m.SetDefaults("iaf_psc_alpha", {"C_m": 2.0}),
        m.set(tics_per_ms=1500, resolution=0.5),
    ),
    "after CopyModel": lambda m: (
        m.CopyModel("iaf_psc_alpha", "mine"),
        m.set(resolution=0.5),
    ),
    "after Simulate": lambda m: (m.Simulate(10.0), m.set(tics_per_ms=1500, resolution=0.5)),
    "after Create and SetDefaults": lambda m: (
        m.Create("iaf_psc_alpha"),
        m.SetDefaults("iaf_psc_alpha", {"C_m": 2.0}),
        m.set(tics_per_ms=1500, resolution=0.5),
    ),
    "ResetKernel restores the base": lambda m: (
        m.set(tics_per_ms=8, resolution=0.125),
        m.ResetKernel(),
        _time_keys(m),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(name, real_nest, nest):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _outcome(real_nest, CASES[name])
        got = _outcome(nest, CASES[name])
    assert got == expected, name


def test_ms_per_tic_is_read_only(nest):
    with pytest.raises(ValueError, match="readonly"):
        nest.SetKernelStatus({"ms_per_tic": 0.01})


def test_an_infinite_resolution_is_refused(nest):
    # NEST 3.10 accepts it (its is_integer(inf) holds) and makes a grid of no use; spindle
    # refuses it with NEST's message for a resolution off the tics.
    with pytest.raises(nest.NESTErrors.KernelException, match="multiple of the tic length"):
        nest.set(resolution=float("inf"))
