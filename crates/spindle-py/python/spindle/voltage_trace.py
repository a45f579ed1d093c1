"""Membrane-potential plots (PyNEST's `nest.voltage_trace`), drawn with matplotlib.

`from_device(multimeter)` plots one line per recorded neuron from a multimeter recording
`V_m`; `from_file(name)` plots NEST's ASCII voltmeter files (as `from_device` does for a
recorder with `record_to = "ascii"`). The functions, their checks, messages, labels and line
styles are PyNEST 3.10's, so a script's figure looks the same with `import spindle as nest`.
One departure: times and potentials are plotted as recorded (float64); PyNEST copies them
through `array.array("f")`, rounding them to float32 on the way.

Adapted from PyNEST 3.10's `nest/voltage_trace.py`; NEST and spindle are both
GPL-2.0-or-later.
"""

from __future__ import annotations

import sys

import numpy

__all__ = [
    "from_device",
    "from_file",
]


def _nest():
    return sys.modules[__package__]


def from_file(fname, title=None, grayscale=False):
    """Plot voltage traces from NEST ASCII files.

    Parameters
    ----------
    fname : str or list
        Filename or list of filenames to load from: one column (one neuron's potentials),
        two (node ID, potential) or three (node ID, time, potential)
    title : str, optional
        Plot title
    grayscale : bool, optional
        Plot in grayscale

    Returns
    -------
    list
        The matplotlib lines drawn
    """
    import matplotlib.pyplot as plt

    if isinstance(fname, (list, tuple)):
        data = numpy.concatenate([numpy.loadtxt(f) for f in fname])
    else:
        data = numpy.loadtxt(fname)

    line_style = "k" if grayscale else ""

    if len(data.shape) == 1:
        print("INFO: only found 1 column in the file. Assuming that only one neuron was recorded.")
        plotid = plt.plot(data, line_style)
        plt.xlabel("Time (steps of length interval)")

    elif data.shape[1] == 2:
        print("INFO: found 2 columns in the file. Assuming them to be node ID, pot.")
        plotid = []
        data_dict: dict = {}
        for node_id, potential in data:
            data_dict.setdefault(node_id, []).append(potential)
        for node_id, potentials in data_dict.items():
            plotid.append(plt.plot(potentials, line_style, label="Neuron %i" % node_id))
        plt.xlabel("Time (steps of length interval)")
        plt.legend()

    elif data.shape[1] == 3:
        # The times are those of the first node ID in the file (all neurons share them).
        plotid = []
        data_dict = {}
        first = data[0][0]
        t = []
        for node_id, time, potential in data:
            data_dict.setdefault(node_id, []).append(potential)
            if node_id == first:
                t.append(time)
        for node_id, potentials in data_dict.items():
            plotid.append(plt.plot(t, potentials, line_style, label="Neuron %i" % node_id))
        plt.xlabel("Time (ms)")
        plt.legend()

    else:
        raise ValueError("Inappropriate data shape %i!" % data.shape[1])

    if not title:
        title = "Membrane potential from file '%s'" % fname

    plt.title(title)
    plt.ylabel("Membrane potential (mV)")
    plt.draw()

    return plotid


def _type_id(detec) -> str:
    """The built-in model a device is a copy of (`GetDefaults(model, "type_id")`); the model
    name itself where the defaults carry no `type_id`."""
    model = detec.get("model")
    try:
        return _nest().GetDefaults(model, "type_id")
    except KeyError:
        return model


def from_device(detec, neurons=None, title=None, grayscale=False, timeunit="ms"):
    """Plot the membrane potentials recorded by a `voltmeter` or a `multimeter`.

    Parameters
    ----------
    detec : NodeCollection
        One voltmeter or multimeter recording `V_m`
    neurons : list, optional
        Node IDs of the neurons to plot (default: all the device recorded)
    title : str, optional
        Plot title (default "Membrane potential")
    grayscale : bool, optional
        Plot in grayscale
    timeunit : str, optional
        "ms" or "s" (the times are divided by 1000 for "s")

    Returns
    -------
    list
        One list of matplotlib lines per neuron plotted
    """
    import matplotlib.pyplot as plt

    if len(detec) > 1:
        raise ValueError("Please provide a single 'voltmeter' or 'multimeter'.")

    type_id = _type_id(detec)
    record_to = detec.get("record_to")
    if type_id not in ("voltmeter", "multimeter"):
        raise TypeError("Please provide a 'voltmeter' or a 'multimeter' measuring V_m.")
    elif type_id == "multimeter":
        if "V_m" not in detec.get("record_from"):
            raise ValueError("Please provide a 'multimeter' measuring 'V_m'.")
        elif not record_to == "memory" and len(detec.get("record_from")) > 1:
            raise ValueError(
                "Please provide a 'multimeter' measuring only 'V_m' or record to memory."
            )

    if record_to == "ascii" and _has_files(detec):
        return from_file(detec.get("filenames"), title, grayscale)

    timefactor = 1.0
    if not _param(detec, "time_in_steps", False):
        if timeunit == "s":
            timefactor = 1000.0
        else:
            timeunit = "ms"

    times, voltages = _from_memory(detec)

    if not len(times):
        raise ValueError("No events recorded.")

    if neurons is None:
        neurons = voltages.keys()

    line_style = "k" if grayscale else ""
    plotids = []
    for neuron in neurons:
        if neuron not in voltages:
            print("INFO: Wrong ID: {0}".format(neuron))
            continue
        time_values = times[neuron] / timefactor
        label = "Neuron %i" % neuron
        plotids.append(plt.plot(time_values, voltages[neuron], line_style, label=label))

    if not title:
        title = "Membrane potential"
    plt.title(title)

    plt.ylabel("Membrane potential (mV)")

    if _param(detec, "time_in_steps", False):
        plt.xlabel("Steps")
    else:
        plt.xlabel("Time (%s)" % timeunit)

    plt.legend(loc="best")
    plt.draw()

    return plotids


def _param(detec, key, default):
    """A device parameter that a spindle device may not have (`filenames`, without an ASCII
    backend; `time_in_steps`): `default` then."""
    try:
        return detec.get(key)
    except KeyError:
        return default


def _has_files(detec) -> bool:
    return bool(_param(detec, "filenames", None))


def _from_memory(detec):
    """Times and potentials per sender, as dicts keyed by node ID in the order the senders
    first appear in the events (PyNEST's order of the lines)."""
    ev = detec.get("events")
    potentials = numpy.asarray(ev["V_m"], dtype=float)
    senders = numpy.asarray(ev["senders"])

    _, first = numpy.unique(senders, return_index=True)
    order = senders[numpy.sort(first)]
    if "times" in ev:
        times = numpy.asarray(ev["times"], dtype=float)
        t = {int(s): times[senders == s] for s in order}
    else:
        # Reconstruct the time vector where the events carry none (as PyNEST does).
        origin = detec.get("origin")
        start = detec.get("start")
        interval = detec.get("interval")
        num_intvls = len(senders) // len(order)
        times_s = origin + start + interval + interval * numpy.arange(num_intvls)
        t = {int(s): times_s for s in order}
    v = {int(s): potentials[senders == s] for s in order}
    return t, v
