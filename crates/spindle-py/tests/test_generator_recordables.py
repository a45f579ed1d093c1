"""A multimeter recording the current generators' own `I` (`ac_generator`, `dc_generator`,
`step_current_generator`, `noise_generator`), compared live with NEST 3.10: the same sample
times and values (the current sent with each stamp, 0 while inactive; the noise generator's
mean over its targets, 0 without targets), with origin/start/stop, two Simulate calls and several targets."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def real_nest():
    nest = pytest.importorskip("nest")
    nest.set_verbosity("M_ERROR")
    return nest


GENERATORS = {
    "ac": ("ac_generator", {"amplitude": 500.0, "offset": 50.0, "frequency": 50.0, "phase": 45.0}),
    "dc": ("dc_generator", {"amplitude": 500.0}),
    "step": ("step_current_generator", {"amplitude_times": [2.5, 25.0, 31.3], "amplitude_values": [125.0, 250.0, -3.0]}),
    "noise": ("noise_generator", {"mean": 500.0, "std": 0.0, "dt": 0.1}),
}


def _record(m, key, targets, interval):
    model, params = GENERATORS[key]
    m.ResetKernel()
    m.set(resolution=0.1)
    g = m.Create(model, params=dict(params, origin=5.0, start=2.5, stop=40.0))
    if targets:
        m.Connect(g, m.Create("iaf_psc_alpha", targets))
    mm = m.Create("multimeter", params={"record_from": ["I"], "interval": interval})
    m.Connect(mm, g)
    m.Simulate(30.0)
    m.Simulate(20.3)
    ev = mm.events
    return np.asarray(ev["times"]), np.asarray(ev["senders"]), np.asarray(ev["I"])


@pytest.mark.parametrize("targets", [0, 1, 3])
@pytest.mark.parametrize("interval", [0.1, 1.0])
@pytest.mark.parametrize("key", sorted(GENERATORS))
def test_recorded_current_is_nests(real_nest, nest, key, targets, interval):
    want = _record(real_nest, key, targets, interval)
    got = _record(nest, key, targets, interval)
    assert np.array_equal(got[0], want[0])
    assert np.array_equal(got[1], want[1])
    np.testing.assert_allclose(got[2], want[2], rtol=0, atol=1e-9)
    assert np.array_equal(np.signbit(got[2]), np.signbit(want[2]))  # +0 while inactive


def test_a_spike_generator_cannot_be_recorded(nest):
    mm = nest.Create("multimeter", params={"record_from": ["I"]})
    with pytest.raises(nest.kernel.IllegalConnection):
        nest.Connect(mm, nest.Create("poisson_generator"))
    # NEST: IllegalConnection "Cannot connect with unknown recordable V_m".
    with pytest.raises(nest.kernel.IllegalConnection):
        nest.Connect(nest.Create("multimeter", params={"record_from": ["V_m"]}), nest.Create("dc_generator"))


def test_noise_mean_does_not_depend_on_the_thread_count(nest):
    def run(threads):
        nest.ResetKernel()
        nest.set(local_num_threads=threads, rng_seed=3)
        g = nest.Create("noise_generator", params={"mean": 100.0, "std": 40.0, "dt": 0.3})
        nest.Connect(g, nest.Create("iaf_psc_alpha", 7))
        mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": 0.1})
        nest.Connect(mm, g)
        nest.Simulate(20.0)
        return np.asarray(mm.events["I"])

    one, two = run(1), run(2)
    assert one.std() > 1.0 and np.array_equal(one, two)
