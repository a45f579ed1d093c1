"""The HDF5 output of `spindle run` for plastic networks: the weight_recorder group and the
final connections (`[output] connections = true`, `--connections`).

Contract: for a deterministic scenario with `stdp_synapse` and a weight recorder, h5py reads
from the file what NEST 3.10 gives for the same network run live in this process (skipped
where NEST is not importable): `/connections` holds one row per synapse sorted by (source,
target, synapse_model) with GetConnections' final weights (to 1e-12 relative) and delays,
recorder connections left out; the weight recorder's group holds NEST's events.
"""

import subprocess

import numpy as np
import pytest

SCENARIO = """
[kernel]
resolution = 0.1
threads = {threads}

[[nodes]]
name = "wr"
model = "weight_recorder"

[[nodes]]
name = "sg"
model = "spike_generator"
params = {{ spike_times = [10.0, 15.0, 15.0, 40.0, 55.0] }}

[[nodes]]
name = "pre"
model = "parrot_neuron"
n = 3

[[nodes]]
name = "post"
model = "parrot_neuron"
n = 3

[[nodes]]
name = "sr"
model = "spike_recorder"

[[synapse_models]]
name = "stdp_rec"
copy_of = "stdp_synapse"
params = {{ weight_recorder = "wr", weight = 2.0 }}

[[connect]]
pre = "sg"
post = "pre"

[[connect]]
pre = "pre"
post = "post"
syn = {{ synapse_model = "stdp_rec", delay = 1.5 }}

[[connect]]
pre = "pre"
post = "post"
conn = {{ rule = "one_to_one" }}
syn = {{ weight = 3.0, delay = 2.0 }}

[[connect]]
pre = "post"
post = "sr"

[simulate]
time = [30.0, 50.0]

[output]
connections = {connections}
"""


def _nest_run():
    nest = pytest.importorskip("nest")
    nest.ResetKernel()
    wr = nest.Create("weight_recorder")
    sg = nest.Create("spike_generator", params={"spike_times": [10.0, 15.0, 15.0, 40.0, 55.0]})
    pre = nest.Create("parrot_neuron", 3)
    post = nest.Create("parrot_neuron", 3)
    sr = nest.Create("spike_recorder")
    nest.CopyModel("stdp_synapse", "stdp_rec", {"weight_recorder": wr, "weight": 2.0})
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": "stdp_rec", "delay": 1.5})
    nest.Connect(pre, post, "one_to_one", syn_spec={"weight": 3.0, "delay": 2.0})
    nest.Connect(post, sr)
    nest.Simulate(30.0)
    nest.Simulate(50.0)
    c = nest.GetConnections(target=post + pre).get(
        ["source", "target", "synapse_model", "weight", "delay"]
    )
    rows = sorted(zip(c["source"], c["target"], c["synapse_model"], c["weight"], c["delay"]))
    return rows, {k: np.asarray(v) for k, v in wr.events.items()}


def _spindle_run(tmp_path, spindle_bin, threads, flag_in_file, extra=()):
    scenario = tmp_path / f"net{threads}.toml"
    scenario.write_text(
        SCENARIO.format(threads=threads, connections="true" if flag_in_file else "false")
    )
    out = tmp_path / f"net{threads}.h5"
    subprocess.run(
        [spindle_bin, "run", scenario, "-o", out, "--quiet", *extra], check=True
    )
    return out


@pytest.mark.parametrize("threads,flag_in_file", [(1, True), (3, False)])
def test_connections_and_weight_recorder_as_nest(tmp_path, spindle_bin, threads, flag_in_file):
    h5py = pytest.importorskip("h5py")
    want_rows, want_events = _nest_run()
    extra = () if flag_in_file else ("--connections",)
    out = _spindle_run(tmp_path, spindle_bin, threads, flag_in_file, extra)
    with h5py.File(out, "r") as f:
        c = f["connections"]
        names = [s.decode() if isinstance(s, bytes) else s for s in c["synapse_model"][:]]
        got = list(zip(c["source"][:], c["target"][:], names, c["weight"][:], c["delay"][:]))
        assert c["delay"].dtype == np.float64 and c["source"].dtype == np.int64
        w = f["wr"]
        assert w.attrs["model"] in ("weight_recorder", b"weight_recorder")
        events = {k: w[k][:] for k in ("times", "senders", "targets", "weights", "receptors")}
    assert [r[:3] for r in got] == [tuple(r[:3]) for r in want_rows]
    # Sorted by (source, target, synapse_model).
    assert [r[:3] for r in got] == sorted(r[:3] for r in got)
    np.testing.assert_allclose([r[3] for r in got], [r[3] for r in want_rows], rtol=1e-12)
    assert [r[4] for r in got] == [r[4] for r in want_rows]
    order = lambda e: np.lexsort([e["weights"], e["targets"], e["senders"], e["times"]])
    o, p = order(events), order(want_events)
    for k in ("times", "senders", "targets", "receptors"):
        assert events[k][o].tolist() == want_events[k][p].tolist(), k
    np.testing.assert_allclose(events["weights"][o], want_events["weights"][p], rtol=1e-12)


def test_no_connections_group_unless_asked(tmp_path, spindle_bin):
    h5py = pytest.importorskip("h5py")
    out = _spindle_run(tmp_path, spindle_bin, 1, False)
    with h5py.File(out, "r") as f:
        assert "connections" not in f
        assert "wr" in f
