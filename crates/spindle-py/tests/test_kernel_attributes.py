"""The kernel keys `rng_types` / `rng_type` and the waveform-relaxation keys `use_wfr`,
`wfr_comm_interval`, `wfr_tol`, `wfr_max_iterations`, `wfr_interpolation_order`; the node
keys `frozen` and `node_uses_wfr`; NEST's limit on the number of synapse models.

Contract: reading, setting and refusing these keys gives on spindle what it gives on NEST 3.10
(the value, or an exception of the same class), in the order NEST applies a SetKernelStatus
dict (resolution, then use_wfr, then wfr_comm_interval). The expectations are not written
down: each case runs live on NEST 3.10 and on spindle (skipped where NEST is not importable).
spindle keeps these values only for GetKernelStatus: it has no gap-junction or rate models to
iterate, and draws from its own keyed ChaCha8 streams whatever `rng_type` names (a departure,
see docs/python.md), which the last test checks on its own. spindle cannot freeze a node:
`frozen = True` raises NotImplemented where NEST would freeze it (checked on its own too).
"""

import pytest
from test_kernel_keys import _outcome

WFR = ("use_wfr", "wfr_comm_interval", "wfr_tol", "wfr_max_iterations", "wfr_interpolation_order")


def _set(m, **kw):
    m.set(**kw)
    return m.GetKernelStatus([*WFR, "resolution", "rng_type"])


CASES = {
    "defaults": lambda m: m.GetKernelStatus([*WFR, "rng_type", "rng_types"]),
    "rng_type set": lambda m: _set(m, rng_type="Philox_32"),
    "rng_type unknown": lambda m: _set(m, rng_type="ranlux"),
    "rng_type after Create": lambda m: (m.Create("iaf_psc_alpha"), _set(m, rng_type="mt19937"))[1],
    "rng_type reset": lambda m: (_set(m, rng_type="mt19937"), m.ResetKernel(), m.rng_type)[2],
    "rng_type with threads": lambda m: _set(m, rng_type="Threefry_64", local_num_threads=2),
    "rng_types read-only": lambda m: m.SetKernelStatus({"rng_types": ["x"]}),
    "use_wfr off": lambda m: _set(m, use_wfr=False),
    "use_wfr after Create": lambda m: (m.Create("iaf_psc_alpha"), _set(m, use_wfr=True))[1],
    "interval below resolution": lambda m: _set(m, resolution=0.1, wfr_comm_interval=0.05),
    "interval without wfr": lambda m: _set(m, use_wfr=False, wfr_comm_interval=0.5),
    "interval then wfr off": lambda m: (
        _set(m, use_wfr=True, wfr_comm_interval=0.5),
        _set(m, resolution=0.1, use_wfr=False),
        _set(m, resolution=0.2),
    ),
    "interval kept over resolution": lambda m: (
        _set(m, use_wfr=True, wfr_comm_interval=2.0),
        _set(m, resolution=0.1),
    ),
    "interval after Connect": lambda m: (
        m.Connect(*m.Create("iaf_psc_alpha", 2)),
        _set(m, wfr_comm_interval=2.0),
    ),
    "interval after Create": lambda m: (m.Create("iaf_psc_alpha"), _set(m, wfr_comm_interval=2.0)),
    "tol": lambda m: _set(m, wfr_tol=0.5),
    "tol negative": lambda m: _set(m, wfr_tol=-1.0),
    "max_iterations": lambda m: _set(m, wfr_max_iterations=3),
    "max_iterations zero": lambda m: _set(m, wfr_max_iterations=0),
    "interpolation order 1": lambda m: _set(m, wfr_interpolation_order=1),
    "interpolation order 2": lambda m: _set(m, wfr_interpolation_order=2),
    "node keys": lambda m: [
        {k: m.Create(model).get(k) for k in ("frozen", "node_uses_wfr")}
        for model in ("iaf_psc_alpha", "multimeter", "poisson_generator", "spike_recorder")
    ],
    "frozen defaults": lambda m: m.GetDefaults("iaf_psc_alpha", "frozen"),
    "thaw a neuron": lambda m: m.Create("iaf_psc_alpha", 2).set(frozen=False),
    "create a thawed multimeter": lambda m: m.Create("multimeter", params={"frozen": False}).frozen,
    "freeze a multimeter": lambda m: m.Create("multimeter", params={"frozen": True}),
    "synapse model limit": lambda m: [
        m.CopyModel("static_synapse", f"syn_{i}")
        for i in range(m.max_num_syn_models - len(m.synapse_models) + 1)
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(nest, name):
    nest_sim = pytest.importorskip("nest")
    assert _outcome(nest, CASES[name]) == _outcome(nest_sim, CASES[name])


def test_rng_type_names_but_does_not_change_spindles_streams(nest):
    drawn = []
    for rng_type in nest.rng_types:
        nest.ResetKernel()
        nest.rng_type = rng_type
        nodes = nest.Create("iaf_psc_alpha", 5, {"V_m": nest.random.uniform(-70.0, -60.0)})
        drawn.append(list(nodes.V_m))
    assert all(d == drawn[0] for d in drawn)


def test_freezing_a_node_is_refused_as_not_implemented(nest):
    n = nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTErrors.NotImplemented, match="freeze"):
        n.frozen = True
    assert n.frozen is False
