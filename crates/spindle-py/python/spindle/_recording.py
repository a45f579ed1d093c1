"""NEST's recording backends in the Python front end: where a recorder's events go
(`record_to`) and how they are presented (docs/python.md, "Recording backends").

The engine records every event of a recorder once, whatever its backend; a backend only
presents them:

- `memory` (the default): the `events` of the recorder's status (`_state.State.events`);
- `ascii`: one text file per recorder, NEST 3.10's name, header and columns (below);
- `screen`: one line per event on standard output;
- `hdf5` (spindle's own): the run's HDF5 file, which holds every recorder anyway.

As NEST's `RecordingDevice`, a recorder keeps `record_to` and `label`; each backend keeps its
own keys for it (NEST's `DeviceData`: `time_in_steps` for all, `file_extension` and `precision`
for ascii, `precision` for screen). Keys of another backend are refused (NEST's
`UnaccessedDictionaryEntry`); switching `record_to` drops the old backend's keys, so they start
from their defaults again, as in NEST (which disenrolls the recorder from the old backend).

ascii, as NEST's `RecordingBackendASCII` (version 2). Each Prepare (each `Simulate`) opens the
file afresh: it refuses a file that exists unless the kernel's `overwrite_files` is set
(NEST's `IOError`), truncates it and writes three header lines (`# NEST version: …`,
`# RecordingBackendASCII version: 2`, the column names: `sender`, `time_ms` or `time_step` and
`time_offset`, the recorded values). After each run the events that reached the recorder in it
are appended, one row each, numbers in C++'s `std::fixed` with `precision` digits. NEST writes
one file per virtual process holding the events of the nodes on it; spindle's recording does
not depend on threads, so it writes one file with all of a recorder's events, named as NEST
names VP 0's file on one process: `<data_path>/<data_prefix><label or model>-<node id>-0.<ext>`
(NEST pads the node id with zeros to the digits of the network's size when the recorder first
enrolls in the backend).
"""

from __future__ import annotations

import math
from pathlib import Path

from . import kernel as _k

#: NEST 3.10's backends (`nest.recording_backends`) and spindle's HDF5 file.
BACKENDS = ("ascii", "hdf5", "memory", "screen")

#: Each backend's own keys with their defaults (NEST's `DeviceData`).
BACKEND_KEYS = {
    "memory": {"time_in_steps": False},
    "hdf5": {"time_in_steps": False},
    "ascii": {"file_extension": "dat", "precision": 3, "time_in_steps": False},
    "screen": {"precision": 3, "time_in_steps": False},
}

#: Keys a backend owns for some recorder (the engine does not store them).
OWNED = ("file_extension", "precision")

ASCII_VERSION = 2

_CXX_TYPES = {bool: "bool", int: "long", float: "double", str: "std::string"}


def _cast(key: str, value, want: type):
    """`value` as NEST reads a `want` (long, std::string) from a dictionary."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if type(value) is want:
        return value
    given = _CXX_TYPES.get(type(value), type(value).__name__)
    raise _k.TypeMismatch(
        f"Expected datatype: Failed to cast '{key}' from {given} to type {_CXX_TYPES[want]}"
    )


class Output:
    """One recorder's backend: `record_to`, `label`, the backend's keys (`params`), and for
    ascii the zero-padding of the node id in the file name and the rows already written."""

    __slots__ = ("record_to", "label", "file_label", "params", "id_width", "written")

    def __init__(self):
        self.record_to = "memory"
        self.label = ""
        # The label the ascii file is named by: NEST's ascii backend keeps its own copy, set
        # by the calls made while the recorder is enrolled in it.
        self.file_label = ""
        self.params = dict(BACKEND_KEYS["memory"])
        self.id_width = 1
        self.written = 0  # events of the recorder already in its file or on screen

    def copy(self) -> "Output":
        out = Output()
        out.record_to, out.label, out.id_width = self.record_to, self.label, self.id_width
        out.file_label = self.file_label
        out.params, out.written = dict(self.params), self.written
        return out

    @property
    def time_in_steps(self) -> bool:
        return bool(self.params["time_in_steps"])

    def updated(self, params: dict, simulated: bool, network_size: int) -> "Output":
        """This output with the recorder keys of `params` (NEST's order of checks); the keys
        only a backend reads (`OWNED`) are removed from `params`. `simulated`: Simulate was
        called, after which `time_in_steps` cannot change. `network_size`: the number of
        nodes, whose digits pad the node id in the file name of a new ascii enrolment."""
        out = self.copy()
        label = _cast("label", params["label"], str) if "label" in params else None
        if "record_to" in params:
            to = _cast("record_to", params["record_to"], str)
            if to not in BACKENDS:
                raise _k.BadProperty(f"Unknown recording backend '{to}'")
            if to != out.record_to:
                out.record_to = to
                out.params = dict(BACKEND_KEYS[to])
                out.file_label = ""
                # NEST fixes the padding of the node id when the recorder enrolls.
                out.id_width = len(str(max(network_size, 1)))
        if label is not None:
            out.label = out.file_label = label
        own = BACKEND_KEYS[out.record_to]
        foreign = [key for key in OWNED if key in params and key not in own]
        if foreign:
            raise _k.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params: {', '.join(foreign)} (keys of another "
                f"recording backend than '{out.record_to}')"
            )
        for key in OWNED:
            if key in params:
                out.params[key] = _cast(key, params.pop(key), type(own[key]))
        if "time_in_steps" in params:
            value = params["time_in_steps"]
            if not isinstance(value, bool):
                value = _cast("time_in_steps", value, bool)
            # After Simulate, memory refuses the key, ascii a change; screen takes it.
            fixed = {"memory": True, "hdf5": True, "ascii": value != out.time_in_steps}
            if simulated and fixed.get(out.record_to, False):
                raise _k.BadProperty(
                    "Property time_in_steps cannot be set after Simulate has been called."
                )
            out.params["time_in_steps"] = value
        return out

    def status(self, path: str | None) -> dict:
        """The recorder's keys of this backend in GetStatus (`path`: the ascii file)."""
        d = {"record_to": self.record_to, "label": self.label, **self.params}
        if self.record_to == "ascii":
            d["filenames"] = [path]
        return d


def model_defaults(params: dict) -> dict:
    """A recorder model's defaults as NEST applies them (to a new recorder, or when checking
    SetDefaults / CopyModel): keys of another backend than the defaults' `record_to` are
    dropped without a word; GetDefaults still shows them (`defaults_status`), as NEST's."""
    own = BACKEND_KEYS.get(params.get("record_to", "memory"), {})
    return {k: v for k, v in params.items() if k not in OWNED or k in own}


def defaults_status(params: dict, data_path: str, data_prefix: str) -> dict:
    """The backend keys of a recorder model's GetDefaults, with the model defaults `params`
    (NEST shows an ascii model's file name as that of a nameless device: data_path and
    data_prefix only, with the default extension)."""
    to = params.get("record_to", "memory")
    own = BACKEND_KEYS.get(to, {})
    d = {**own, **{k: v for k, v in params.items() if k in own or k in OWNED}}
    if to == "ascii":
        d["filenames"] = [_folder(data_path) + data_prefix + ".dat"]
    return d


def _folder(data_path: str) -> str:
    return data_path if not data_path or data_path.endswith("/") else data_path + "/"


def filename(out: Output, node_id: int, model: str, data_path: str, data_prefix: str) -> str:
    """NEST's name of the ascii file of recorder `node_id` (VP 0 of one process)."""
    stem = out.file_label or model
    ext = out.params.get("file_extension", "dat")
    return f"{_folder(data_path)}{data_prefix}{stem}-{node_id:0{out.id_width}d}-0.{ext}"


def header(values: list, time_in_steps: bool, version: str) -> str:
    """The three header lines of an ascii file."""
    time = "\ttime_step\ttime_offset" if time_in_steps else "\ttime_ms"
    names = "".join(f"\t{v}" for v in values)
    return (
        f"# NEST version: {version}\n"
        f"# RecordingBackendASCII version: {ASCII_VERSION}\n"
        f"sender{time}{names}\n"
    )


def open_file(path: str, overwrite: bool, text: str) -> None:
    """Create the ascii file `path` with `text`, as NEST's Prepare does."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise _k.IOError(
            f"The file '{path}' already exists and overwriting files is disabled. To "
            "overwrite files, set the kernel property overwrite_files to true. To change the "
            "name or location of the file, change the kernel properties data_path or "
            "data_prefix, or the device property label."
        )
    try:
        p.write_text(text)
    except OSError as e:
        raise _k.IOError(f"I/O error while opening file '{path}': {e.strerror}") from None


def rows(events: dict, doubles: list, longs: list, out: Output, resolution: float) -> str:
    """The lines of `events` (NEST's layout in ms, one row per event) in NEST's format:
    sender, time, the values `doubles` (fixed, `precision` digits), then `longs`."""
    p = out.params.get("precision", 3)
    fmt = _fixed(p)
    senders = events["senders"]
    times = events["times"]
    cols = [[fmt(v) for v in events[name]] for name in doubles]
    cols += [[str(int(v)) for v in events[name]] for name in longs]
    if out.time_in_steps:
        zero = fmt(0.0)
        stamps = [f"{round(t / resolution)}\t{zero}" for t in times]
    else:
        stamps = [fmt(t) for t in times]
    lines = []
    for i, s in enumerate(senders):
        lines.append("\t".join([str(int(s)), stamps[i], *(c[i] for c in cols)]))
    return "".join(line + "\n" for line in lines)


def _fixed(precision: int):
    """C++'s `std::fixed << std::setprecision(p)` (a negative precision prints 6 digits)."""
    p = precision if precision >= 0 else 6

    def fmt(v) -> str:
        v = float(v)
        if math.isnan(v):
            return "-nan" if math.copysign(1.0, v) < 0 else "nan"
        return f"{v:.{p}f}"

    return fmt
