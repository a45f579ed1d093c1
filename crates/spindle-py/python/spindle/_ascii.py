"""NEST's ASCII recording backend (`record_to: "ascii"`): one text file per recorder and
virtual process, as NEST 3.10's `RecordingBackendASCII` writes them.

The engine keeps every recorder's events (see `_state.State.events`); this module writes
them out as NEST would, found by running NEST 3.10 and from its `recording_backend_ascii.cpp`:

* File `{data_path}/{data_prefix}{label or model}-{node id}-{vp}.{file_extension}`; the node
  id is zero-padded to the digits of the network size when the recorder chose `ascii`
  (at `Create` or `SetStatus`), the vp to the digits of the number of virtual processes.
* The files are opened — emptied, or `IOError` if one exists and `overwrite_files` is off —
  at every `Simulate` (or `Prepare`), so they hold the events of the last `Simulate` (or of
  the `Run` calls since the last `Prepare`) only; each file has the two comment lines and
  a header of the columns (`sender`, `time_ms` or `time_step time_offset`, the recorder's
  values), then one row per event with `precision` (default 3) digits after the point.
* A row goes to the file of the virtual process that NEST gives its sender (the neuron that
  spiked or was sampled; for a weight recorder the target, which holds the synapse):
  `node id % number of virtual processes`, NEST's round-robin. spindle keeps its neurons in
  contiguous blocks instead (`GetStatus(node, "vp")`), but the files are NEST's, one by one,
  so that scripts that read one virtual process's file read what NEST writes there.
* `precision` and `file_extension` are keys of an `ascii` recorder only (for another
  backend NEST refuses them as unaccessed); choosing `ascii` again starts from their
  defaults, as NEST's backend forgets a recorder that leaves it.

Departure: `filenames` lists the files of every virtual process (NEST lists those of one).
"""

from __future__ import annotations

import math
import os

import numpy as np

from . import kernel as _k
from ._spindle import VERSION as __version__

#: The two comment lines of NEST's files: the simulator's version (`build_info["version"]`,
#: spindle's here, as NEST's tests read it) and NEST 3.10's `ASCII_REC_BACKEND_VERSION`.
_HEADER = f"# NEST version: {__version__}\n# RecordingBackendASCII version: 2\n"
#: Keys that only an `ascii` recorder has, with their defaults.
BACKEND_KEYS = {"precision": 3, "file_extension": "dat"}


class _Device:
    """What the backend keeps of one recorder (NEST's `DeviceData`)."""

    __slots__ = ("record_to", "label", "precision", "extension", "node_part")

    def __init__(self):
        self.record_to = "memory"
        self.label = ""
        self.precision = BACKEND_KEYS["precision"]
        self.extension = BACKEND_KEYS["file_extension"]
        self.node_part = ""


def _digits(n: int) -> int:
    return int(math.floor(math.log10(n)) + 1) if n > 0 else 1


class AsciiBackend:
    """The `record_to`, `label` and ASCII keys of every recorder, and its open files."""

    def __init__(self):
        self.devices: dict[int, _Device] = {}
        # Events of each recorder already in its files (counted from its first event).
        self.written: dict[int, int] = {}

    # ---- configuration ------------------------------------------------------------------

    def split(self, params: dict) -> tuple[dict, dict]:
        """`params` without the ASCII keys (for the engine), and those keys."""
        own = {k: params[k] for k in BACKEND_KEYS if k in params}
        rest = {k: v for k, v in params.items() if k not in BACKEND_KEYS}
        return rest, own

    def check(self, node_id: int, record_to: str, own: dict) -> None:
        """NEST's checks of the ASCII keys of one recorder whose backend will be
        `record_to`, before anything is set."""
        if own and record_to != "ascii":
            raise _k.UnaccessedDictionaryEntry(
                "Unaccessed elements in params, in function NodeManager::set_status: "
                + " ".join(own)
            )
        if "precision" in own:
            p = own["precision"]
            if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
                raise _k.TypeMismatch(
                    "Expected datatype: Failed to cast 'precision' from "
                    f"{'double' if isinstance(p, float) else type(p).__name__} to type long"
                )
        if "file_extension" in own and not isinstance(own["file_extension"], str):
            raise _k.TypeMismatch(
                "Expected datatype: Failed to cast 'file_extension' from "
                f"{type(own['file_extension']).__name__} to type std::string"
            )

    def record_to(self, node_id: int) -> str:
        d = self.devices.get(node_id)
        return d.record_to if d else "memory"

    def set(self, node_id: int, params: dict, own: dict, network_size: int) -> None:
        """Take `record_to`, `label` (already checked by the engine) and the ASCII keys
        (checked by `check`) of one recorder; network_size: the nodes that exist now."""
        d = self.devices.setdefault(node_id, _Device())
        if "label" in params:
            d.label = str(params["label"])
        if "record_to" in params and params["record_to"] != d.record_to:
            d.record_to = str(params["record_to"])
            d.precision = BACKEND_KEYS["precision"]
            d.extension = BACKEND_KEYS["file_extension"]
            if d.record_to == "ascii":
                d.node_part = f"{node_id:0{_digits(network_size)}d}"
        if "precision" in own:
            d.precision = int(own["precision"])
        if "file_extension" in own:
            d.extension = own["file_extension"]

    def status(self, node_id: int, model: str, state) -> dict:
        """The backend's keys of a recorder's status."""
        d = self.devices.get(node_id) or _Device()
        out = {"record_to": d.record_to, "label": d.label}
        if d.record_to == "ascii":
            out["precision"] = d.precision
            out["file_extension"] = d.extension
            out["filenames"] = self.filenames(node_id, model, state)
        return out

    def filenames(self, node_id: int, model: str, state) -> list:
        d = self.devices[node_id]
        path = state.data_path
        if path and not path.endswith("/"):
            path += "/"
        vps = state.kernel().threads()
        width = _digits(vps)
        stem = f"{path}{state.data_prefix}{d.label or model}-{d.node_part}-"
        return [f"{stem}{vp:0{width}d}.{d.extension}" for vp in range(vps)]

    # ---- files --------------------------------------------------------------------------

    def _ascii_recorders(self, state):
        for node_id, d in sorted(self.devices.items()):
            if d.record_to == "ascii":
                yield node_id, d, state.entry(node_id)

    def open(self, state) -> None:
        """NEST's `prepare`: every ASCII recorder's files emptied and headed."""
        for node_id, d, e in self._ascii_recorders(state):
            names = self.filenames(node_id, e.user_model, state)
            for name in names:
                if os.path.exists(name) and not state.overwrite_files:
                    raise _k.IOError(
                        f"The file '{name}' already exists and overwriting files is disabled. "
                        "To overwrite files, set the kernel property overwrite_files to true. "
                        "To change the name or location of the file, change the kernel "
                        "properties data_path or data_prefix, or the device property label."
                    )
            head = _HEADER + "sender" + "".join(f"\t{c}" for c in self._columns(state, node_id, e))
            for name in names:
                try:
                    with open(name, "w") as f:
                        f.write(head + "\n")
                except OSError:
                    raise _k.IOError(f"I/O error while opening file '{name}'.") from None
            self.written[node_id] = state._event_count(node_id, absolute=True)

    def _columns(self, state, node_id: int, e) -> list:
        time = ["time_step", "time_offset"] if node_id in state.in_steps else ["time_ms"]
        if e.model == "weight_recorder":
            return [*time, "weights", "targets", "receptors", "ports"]
        if e.model == "spike_recorder":
            return time
        return [*time, *state.kernel().get_status(node_id)["record_from"]]

    def write(self, state) -> None:
        """Append the events recorded since the last write to every ASCII recorder's files."""
        for node_id, d, e in self._ascii_recorders(state):
            if node_id not in self.written:
                continue  # chose `ascii` after the files were opened: NEST writes nothing
            start = state.event_start.get(node_id, 0)
            ev = state._events_ms(node_id)
            skip = self.written[node_id] - start
            rows = {k: np.asarray(v)[skip:] for k, v in ev.items()}
            self.written[node_id] = start + len(ev["times"])
            if not len(rows["times"]):
                continue
            senders = rows["senders"].astype(np.int64)
            p = d.precision
            if node_id in state.in_steps:
                steps = np.rint(rows["times"] / state.resolution).astype(np.int64)
                cols = [steps.astype(str), np.char.mod(f"%.{p}f", np.zeros(len(steps)))]
            else:
                cols = [np.char.mod(f"%.{p}f", rows["times"])]
            if e.model == "weight_recorder":
                cols.append(np.char.mod(f"%.{p}f", rows["weights"]))
                ints = ("targets", "receptors", "ports")
                cols.extend(rows[k].astype(np.int64).astype(str) for k in ints)
            elif e.model != "spike_recorder":
                for name in self._columns(state, node_id, e)[len(cols) :]:
                    cols.append(np.char.mod(f"%.{p}f", rows[name]))
            lines = senders.astype(str)
            for c in cols:
                lines = np.char.add(np.char.add(lines, "\t"), c)
            # A weight event is written by the thread of its synapse, which is the target's.
            owners = rows["targets"].astype(np.int64) if e.model == "weight_recorder" else senders
            names = self.filenames(node_id, e.user_model, state)
            vp_of = owners % len(names)
            for vp, name in enumerate(names):
                mine = lines[vp_of == vp]
                if len(mine):
                    with open(name, "a") as f:
                        f.write("\n".join(mine.tolist()) + "\n")
