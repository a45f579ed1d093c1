"""NEST's ASCII recording backend (`record_to: "ascii"`) on spindle.

Contract: a script that records to ASCII files gets, on spindle, the files NEST 3.10 writes:
the same names, headers and rows, file by file (each virtual process's file holds the rows
of the senders NEST places there); the files hold the last `Simulate` only (NEST reopens them
at every `Simulate`/`Prepare`); the backend's keys, checks and `IOError` are NEST's. Every
case runs live on NEST 3.10 and on spindle (skipped without NEST).
"""

import os

import pytest


def _script(m, folder, overwrite=True):
    """A deterministic network recorded to ASCII: spikes of 5 neurons, V_m of 2 sampled
    every 5 ms with precision 5, a weight recorder under a 'tag' label, over two runs."""
    _reset(m, threads=2)
    m.overwrite_files = overwrite
    # the folder in the labels: spindle writes an HDF5 file into a `data_path`
    n = m.Create("iaf_psc_alpha", 12, {"I_e": 1000.0})
    sr = m.Create("spike_recorder", 2, {"record_to": "ascii", "label": f"{folder}/sr"})
    vm = m.Create("voltmeter", params={"record_to": "ascii", "interval": 5.0, "precision": 5})
    vm.label = f"{folder}/voltmeter"
    wr = m.Create("weight_recorder")
    wr.set(record_to="ascii", label=f"{folder}/tag")
    m.CopyModel("static_synapse", "tagged", {"weight_recorder": wr})
    m.Connect(n[:5], sr[0])
    m.Connect(vm, n[:2])
    m.Connect(n[:3], n[5:7], syn_spec={"synapse_model": "tagged", "weight": 2.5})
    m.Simulate(30.0)
    m.Simulate(20.0)
    return sr, vm, wr


def _reset(m, threads=1):
    """A fresh kernel; NEST keeps `data_path` and `data_prefix` through ResetKernel."""
    m.ResetKernel()
    m.data_path = m.data_prefix = ""
    m.local_num_threads = threads


def _files(folder):
    """{file name: (header lines, rows)} of the ASCII files in `folder`."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".dat"):
            continue
        lines = (folder / name).read_text().splitlines()
        out[name] = (lines[:3], lines[3:])
    return out


def _by_recorder(files):
    """{recorder stem: (header, all rows of its files, sorted)}."""
    out = {}
    for name, (head, rows) in files.items():
        stem = name.rsplit("-", 1)[0]
        h, r = out.setdefault(stem, (head, []))
        assert h == head
        r.extend(rows)
    return {k: (h, sorted(r)) for k, (h, r) in out.items()}


def test_files_match_nest(nest, real_nest, tmp_path):
    (tmp_path / "n").mkdir()
    (tmp_path / "s").mkdir()
    ref = _script(real_nest, tmp_path / "n")
    got = _script(nest, tmp_path / "s")
    want, have = _files(tmp_path / "n"), _files(tmp_path / "s")
    assert sorted(want) == sorted(have)  # names: label or model, padded ids, vp
    # the first line names the simulator's version (build_info, as NEST's own tests read it)
    for files, m in ((want, real_nest), (have, nest)):
        for head, _ in files.values():
            assert head[0] == f"# NEST version: {m.build_info['version']}"
            head[0] = ""
    # file by file, row by row; a weight recorder's rows of one time step in any order (with
    # several threads NEST's follow its spike delivery, spindle's `events` order)
    for name in want:
        if name.startswith("tag"):
            want[name] = (want[name][0], sorted(want[name][1]))
            have[name] = (have[name][0], sorted(have[name][1]))
    assert want == have
    recorded = {k for k, (_, rows) in _by_recorder(have).items() if rows}
    assert recorded == {"sr-13", "voltmeter-15", "tag-16"}  # sr-14 has no senders
    # the last Simulate only: the spikes of 30 to 50 ms
    rows = _by_recorder(have)["sr-13"][1]
    assert rows and all(30.0 < float(r.split("\t")[1]) <= 50.0 for r in rows)
    for a, b in zip(ref, got):
        for x, y in zip(a, b):  # node by node
            for key in ("record_to", "precision", "file_extension"):
                assert x.get(key) == y.get(key), key
            assert os.path.basename(x.get("label")) == os.path.basename(y.get("label"))
            # NEST lists one virtual process's file, spindle all of them (a departure)
            mine = [os.path.basename(f) for f in y.get("filenames")]
            assert os.path.basename(x.get("filenames")[0]) in mine
            assert all(f in have for f in mine)


def test_existing_file_without_overwrite(nest, real_nest, tmp_path):
    for m, sub in ((real_nest, "n"), (nest, "s")):
        (tmp_path / sub).mkdir()
        _script(m, tmp_path / sub)
        with pytest.raises(Exception) as e:
            _script(m, tmp_path / sub, overwrite=False)
        assert type(e.value).__name__ == "IOError"
    # NEST's message goes to its log (the exception's text is empty); spindle's names the file
    assert "sr-13-0.dat' already exists and overwriting files is disabled" in str(e.value)


@pytest.mark.parametrize(
    "params",
    [
        {"precision": 5},  # not an ascii recorder
        {"record_to": "ascii", "precision": 2.5},
        {"record_to": "ascii", "file_extension": 3},
        {"record_to": "ascii", "precision": 7, "file_extension": "txt"},
        {"record_to": "memory", "label": "x"},
    ],
)
def test_backend_keys(nest, real_nest, params):
    def outcome(m):
        _reset(m)
        sr = m.Create("spike_recorder")
        try:
            sr.set(params)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e).__name__
        keys = ("record_to", "label", "precision", "file_extension", "filenames")
        return {k: sr.get(k) for k in keys if k in sr.get()}

    assert outcome(nest) == outcome(real_nest)


def test_record_to_ascii_and_back(nest, real_nest):
    def outcome(m):
        _reset(m)
        m.Create("iaf_psc_alpha", 120)
        sr = m.Create("spike_recorder", 8, {"record_to": "ascii"})
        sr[0].set(record_to="ascii", precision=6)
        early = m.Create("spike_recorder")
        m.Create("iaf_psc_alpha", 1000)
        early.set(record_to="ascii")
        m.data_prefix = "pre_"
        sr[1].set(record_to="memory")
        sr[1].set(record_to="ascii")
        return [s.get(["record_to", "precision", "filenames"]) for s in (*sr[:2], early)]

    assert outcome(nest) == outcome(real_nest)
