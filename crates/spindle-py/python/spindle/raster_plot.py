"""Raster plots of spikes (PyNEST's `nest.raster_plot`), drawn with matplotlib.

`from_device(spike_recorder)` draws each spike as a dot at (time, sender) and, below it, a
histogram of the population rate; `from_data` does the same for an array of
(sender, time) rows, `from_file` for NEST's ASCII spike files, and `extract_events` selects
rows by time window and sender. The functions, their arguments, labels, colours and axes
are PyNEST 3.10's, so a script's figure looks the same with `import spindle as nest`.

As in NEST, `memory` recorders are plotted from their events and `ascii` ones from their
files (`filenames`). Departure: `from_file` returns the plot like the other functions
(PyNEST 3.10's returns None when it reads with pandas).

Adapted from PyNEST 3.10's `nest/raster_plot.py`; NEST and spindle are both
GPL-2.0-or-later.
"""

from __future__ import annotations

import sys

import numpy

__all__ = [
    "extract_events",
    "from_data",
    "from_device",
    "from_file",
    "from_file_numpy",
    "from_file_pandas",
]


def _nest():
    return sys.modules[__package__]


def extract_events(data, time=None, sel=None):
    """The events of `data` inside a time window and from chosen senders.

    Parameters
    ----------
    data : array
        Rows of (node ID, time): data[:, 0] the senders, data[:, 1] the times
    time : list, optional
        [t_max] keeps events with t < t_max; [t_min, t_max] those with t_min <= t < t_max
    sel : list, optional
        Node IDs whose events are kept (default: all)

    Returns
    -------
    numpy.array
        The kept rows, in their order in `data`
    """
    t_min, t_max = 0, float("inf")
    if time:
        t_max = time[-1]
        if len(time) > 1:
            t_min = time[0]

    val = []
    for v in data:
        node_id, t = v[0], v[1]
        if not (t_min <= t < t_max):
            continue
        if not sel or node_id in sel:
            val.append(v)

    return numpy.array(val)


def from_data(data, sel=None, **kwargs):
    """Raster plot of an array of (node ID, time) rows.

    Parameters
    ----------
    data : array
        data[:, 0] the senders, data[:, 1] the spike times
    sel : list, optional
        Node IDs to draw in the raster (the histogram counts all events)
    kwargs:
        Passed to the plotting routine: hist, hist_binwidth, grayscale, title, xlabel
    """
    if len(data) == 0:
        raise ValueError("No data to plot.")

    ts = data[:, 1]
    d = extract_events(data, sel=sel)
    ts1 = d[:, 1]
    node_ids = d[:, 0]

    return _make_plot(ts, ts1, node_ids, data[:, 0], **kwargs)


def from_file(fname, **kwargs):
    """Raster plot of NEST ASCII spike files (three header lines, then sender and time).

    Parameters
    ----------
    fname : str or tuple(str) or list(str)
        A file name, or several whose data are concatenated (one file per MPI rank)
    kwargs:
        Passed to the plotting routine
    """
    if isinstance(fname, str):
        fname = [fname]

    if isinstance(fname, (list, tuple)):
        try:
            import pandas  # noqa: F401
        except ImportError:
            return from_file_numpy(fname, **kwargs)
        return from_file_pandas(fname, **kwargs)
    print("fname should be one of str/list(str)/tuple(str).")
    return None


def from_file_pandas(fname, **kwargs):
    """`from_file`, reading with pandas."""
    import pandas

    data = numpy.concatenate(
        [pandas.read_table(f, header=2, skipinitialspace=True).values for f in fname]
    )
    return from_data(data, **kwargs)


def from_file_numpy(fname, **kwargs):
    """`from_file`, reading with numpy."""
    data = numpy.concatenate([numpy.loadtxt(f, skiprows=3, ndmin=2) for f in fname])
    return from_data(data, **kwargs)


def _type_id(detec) -> str:
    """The built-in model a device is a copy of (`GetDefaults(model, "type_id")`); the model
    name itself where the defaults carry no `type_id`."""
    model = detec.get("model")
    try:
        return _nest().GetDefaults(model, "type_id")
    except KeyError:
        return model


def _param(detec, key, default):
    """A device parameter that a spindle device may not have (`filenames`, without an ASCII
    backend; `time_in_steps`): `default` then."""
    try:
        return detec.get(key)
    except KeyError:
        return default


def _has_files(detec) -> bool:
    return bool(_param(detec, "filenames", None))


def from_device(detec, **kwargs):
    """Raster plot of the spikes a `spike_recorder` recorded.

    Parameters
    ----------
    detec : NodeCollection
        One spike recorder
    kwargs:
        Passed to the plotting routine: hist (True), hist_binwidth (5.0 ms), grayscale,
        title (default "Raster plot from device '<id>'")
    """
    if not _type_id(detec) == "spike_recorder":
        raise TypeError("Please provide a 'spike_recorder'.")

    if detec.get("record_to") == "ascii" and _has_files(detec):
        return from_file(detec.get("filenames"), **kwargs)

    ts, node_ids = _from_memory(detec)

    if not len(ts):
        raise ValueError("No events recorded by 'spike_recorder'.")

    if "title" not in kwargs:
        kwargs["title"] = "Raster plot from device '%i'" % detec.get("global_id")

    if _param(detec, "time_in_steps", False):
        xlabel = "Steps"
    else:
        xlabel = "Time (ms)"

    return _make_plot(ts, ts, node_ids, node_ids, xlabel=xlabel, **kwargs)


def _from_memory(detec):
    ev = detec.get("events")
    return ev["times"], ev["senders"]


def _make_plot(
    ts,
    ts1,
    node_ids,
    neurons,
    hist=True,
    hist_binwidth=5.0,
    grayscale=False,
    title=None,
    xlabel=None,
):
    """Draw the raster and, with `hist`, the rate histogram below it, in a new figure.

    Parameters
    ----------
    ts : list
        All spike times (the histogram counts them)
    ts1 : list
        Spike times of the dots
    node_ids : list
        Senders of the dots
    neurons : list
        Senders of all spikes: the histogram's rate is per distinct sender
    hist : bool, optional
        Draw the histogram
    hist_binwidth : float, optional
        Width of the histogram's bins (ms)
    grayscale : bool, optional
        Plot in grayscale
    title : str, optional
        Plot title (default "Raster plot")
    xlabel : str, optional
        Label of the time axis (default "Time (ms)")

    Returns
    -------
    list
        The matplotlib lines of the raster's dots
    """
    import matplotlib.pyplot as plt

    plt.figure()

    if grayscale:
        color_marker = ".k"
        color_bar = "gray"
    else:
        color_marker = "."
        color_bar = "blue"

    color_edge = "black"

    if xlabel is None:
        xlabel = "Time (ms)"

    ylabel = "Neuron ID"

    if hist:
        ax1 = plt.axes([0.1, 0.3, 0.85, 0.6])
        plotid = plt.plot(ts1, node_ids, color_marker)
        plt.ylabel(ylabel)
        plt.xticks([])
        xlim = plt.xlim()

        plt.axes([0.1, 0.1, 0.85, 0.17])
        t_bins = numpy.arange(numpy.amin(ts), numpy.amax(ts), float(hist_binwidth))
        n, _ = _histogram(ts, bins=t_bins)
        num_neurons = len(numpy.unique(neurons))
        heights = 1000 * n / (hist_binwidth * num_neurons)

        # PyNEST draws each bar centred on its bin's left edge; kept for identical figures.
        plt.bar(t_bins, heights, width=hist_binwidth, color=color_bar, edgecolor=color_edge)
        plt.yticks([int(x) for x in numpy.linspace(0.0, int(max(heights) * 1.1) + 5, 4)])
        plt.ylabel("Rate (spks/s)")
        plt.xlabel(xlabel)
        plt.xlim(xlim)
        plt.axes(ax1)
    else:
        plotid = plt.plot(ts1, node_ids, color_marker)
        plt.xlabel(xlabel)
        plt.ylabel(ylabel)

    if title is None:
        plt.title("Raster plot")
    else:
        plt.title(title)

    plt.draw()

    return plotid


def _histogram(a, bins=10, bin_range=None, normed=False):
    """Counts of `a` per bin (PyNEST's histogram): with a sequence of left edges, bin i
    holds edges[i] <= x < edges[i+1] and the last bin everything from its edge up.

    Parameters
    ----------
    a : list
        Values to count
    bins : int or array, optional
        Number of bins, or their left edges (increasing)
    bin_range : (float, float), optional
        Range of the bins when `bins` is a number
    normed : bool, optional
        Return a density instead of counts

    Returns
    -------
    (counts, edges)
    """
    a = numpy.asarray(a).ravel()

    if bin_range is not None:
        mn, mx = bin_range
        if mn > mx:
            raise ValueError("max must be larger than min in range parameter")

    if not numpy.iterable(bins):
        if bin_range is None:
            bin_range = (a.min(), a.max())
        mn, mx = [mi + 0.0 for mi in bin_range]
        if mn == mx:
            mn -= 0.5
            mx += 0.5
        bins = numpy.linspace(mn, mx, bins, endpoint=False)
    else:
        if (bins[1:] - bins[:-1] < 0).any():
            raise ValueError("bins must increase monotonically")

    # Counted in blocks, as PyNEST does (its comment: the best block size depends on the
    # processor's cache).
    block = 65536
    n = numpy.sort(a[:block]).searchsorted(bins)
    for i in range(block, a.size, block):
        n += numpy.sort(a[i : i + block]).searchsorted(bins)
    n = numpy.concatenate([n, [len(a)]])
    n = n[1:] - n[:-1]

    if normed:
        db = bins[1] - bins[0]
        return 1.0 / (a.size * db) * n, bins
    return n, bins
