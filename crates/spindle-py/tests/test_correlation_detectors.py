"""correlation_detector and correlomatrix_detector through the Python API.

Contract: on deterministic networks (spike generators directly and through parrot neurons,
iaf neurons driven by I_e, weights and multiplicities, several Simulate calls with resets and
parameter changes between them) both detectors give on spindle what they give on a one-thread
NEST 3.10 — counts equal, weighted sums to 1e-12 — the same bits for every thread count, the
status keys NEST has (numpy arrays), and NEST's exceptions for bad input. NEST runs live in
the same process (skipped where it is not importable).
"""

import numpy as np
import pytest

CORR_KEYS = ("n_events", "histogram", "histogram_correction", "count_histogram")
MATRIX_KEYS = ("n_events", "covariance", "count_covariance")


def _network(m, threads=1, resolution=0.1):
    m.ResetKernel()
    m.resolution = resolution
    m.local_num_threads = threads
    sg = m.Create(
        "spike_generator",
        3,
        params=[
            {"spike_times": [2.0, 3.5, 5.0, 7.2, 11.0, 20.0, 33.3, 47.0, 61.2, 90.4]},
            {"spike_times": [2.0, 4.1, 5.0, 6.9, 11.0, 18.4, 35.0, 46.0, 62.5, 91.0]},
            {"spike_times": [1.5, 3.0, 4.4, 9.9, 12.0, 30.0, 44.4, 60.0, 88.8]},
        ],
    )
    parrots = m.Create("parrot_neuron", 3)
    cells = m.Create("iaf_psc_alpha", 2, params={"I_e": [410.0, 470.0]})
    m.Connect(sg, parrots, "one_to_one", syn_spec={"delay": 1.2})
    m.Connect(sg[0], parrots[0], syn_spec={"delay": 2.3})  # multiplicity 2 at some steps
    corr = m.Create("correlation_detector", params={"delta_tau": 0.5, "tau_max": 4.0})
    corr.set(Tstart=2.5, Tstop=80.0, start=1.0)
    m.Connect(parrots[0], corr, syn_spec={"weight": 0.3, "receptor_type": 0})
    m.Connect(parrots[1], corr, syn_spec={"weight": 1.7, "receptor_type": 1})
    m.Connect(sg[2], corr, syn_spec={"weight": 0.9, "receptor_type": 1})
    m.Connect(cells[0], corr, syn_spec={"weight": 0.2, "receptor_type": 0})
    matrix = m.Create("correlomatrix_detector", params={"N_channels": 3})
    matrix.set(delta_tau=0.3, tau_max=2.1)
    for port, (src, w) in enumerate([(parrots[0], 1.0), (parrots[1], 0.4), (cells[1], 1.5)]):
        m.Connect(src, matrix, syn_spec={"weight": w, "receptor_type": port})
    m.Connect(sg[2], matrix, syn_spec={"weight": 0.7, "receptor_type": 2})
    states = []

    def snapshot():
        states.append(
            {k: np.asarray(corr.get(k)) for k in CORR_KEYS}
            | {"m_" + k: np.asarray(matrix.get(k)) for k in MATRIX_KEYS}
        )

    m.Simulate(30.0)
    snapshot()
    corr.set(n_events=[0, 0])
    snapshot()
    m.Simulate(25.5)
    snapshot()
    matrix.set(tau_max=3.0)
    corr.set(tau_max=3.0)
    m.Simulate(44.5)
    snapshot()
    return states


def _same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.keys() == w.keys()
        for k in w:
            assert g[k].shape == w[k].shape, k
            if k.endswith("n_events") or k.startswith(("count", "m_count")):
                assert g[k].tolist() == w[k].tolist(), k
            else:
                np.testing.assert_allclose(g[k], w[k], rtol=0, atol=1e-12, err_msg=k)


def test_results_as_nest(nest, real_nest):
    got = _network(nest)
    want = _network(real_nest)
    assert want[-1]["n_events"].sum() > 0 and want[-1]["m_n_events"].sum() > 0
    _same(got, want)


@pytest.mark.parametrize("threads", [2, 3])
def test_results_do_not_depend_on_threads(nest, threads):
    one = _network(nest, 1)
    many = _network(nest, threads)
    for a, b in zip(one, many):
        for k in a:
            assert a[k].tobytes() == b[k].tobytes(), k


def test_status_as_nest(nest, real_nest):
    for m in (nest, real_nest):
        m.ResetKernel()
    for model in ("correlation_detector", "correlomatrix_detector"):
        for h in (0.1, 0.2, 1.0):
            d = {}
            for m in (nest, real_nest):
                m.ResetKernel()
                m.resolution = h
                d[m] = m.Create(model).get()
            keys = [k for k in d[real_nest] if k not in ("model_id", "thread_local_id")]
            for k in keys:
                want, got = d[real_nest][k], d[nest].get(k)
                if isinstance(want, np.ndarray):
                    assert np.asarray(got).shape == want.shape, (model, k)
                else:
                    assert got == want, (model, h, k)


BAD = [
    ("correlation_detector", {"delta_tau": 0.25}, "StepMultipleRequired"),
    ("correlation_detector", {"delta_tau": 1.0, "tau_max": 2.5}, "TimeMultipleRequired"),
    ("correlation_detector", {"n_events": [1, 1]}, "BadProperty"),
    ("correlomatrix_detector", {"N_channels": 0}, "BadProperty"),
    ("correlomatrix_detector", {"delta_tau": 0.2}, "BadProperty"),
    ("correlomatrix_detector", {"delta_tau": 1.1, "tau_max": 2.5}, "TimeMultipleRequired"),
]


@pytest.mark.parametrize("model, params, error", BAD)
def test_bad_input_as_nest(nest, real_nest, model, params, error):
    for m in (nest, real_nest):
        m.ResetKernel()
        d = m.Create(model)
        before = d.get("delta_tau")
        with pytest.raises(getattr(m.NESTErrors, error)):
            d.set(params)
        assert d.get("delta_tau") == before


def test_bad_ports(nest, real_nest):
    for m in (nest, real_nest):
        m.ResetKernel()
        n = m.Create("iaf_psc_alpha")
        with pytest.raises(m.NESTErrors.UnknownReceptorType):
            m.Connect(n, m.Create("correlation_detector"), syn_spec={"receptor_type": 2})
        with pytest.raises(m.NESTErrors.UnknownReceptorType):
            m.Connect(n, m.Create("correlomatrix_detector"), syn_spec={"receptor_type": 1})
        with pytest.raises(m.NESTErrors.IllegalConnection):
            m.Connect(m.Create("correlation_detector"), n)
