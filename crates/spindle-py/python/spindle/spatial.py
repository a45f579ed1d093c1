"""PyNEST's `nest.spatial`: layer positions (`grid`, `free`) and the spatial parameters
`distance`, `pos`, `source_pos`, `target_pos` (see `_spatial.py` for the semantics)."""

from ._parameter import Parameter, CreateParameter

__all__ = ["grid", "free", "distance", "pos", "source_pos", "target_pos"]


class _Distance(Parameter):
    """The distance between source and target (wrapped where the layer is periodic);
    `.x`, `.y`, `.z`, `.n(d)`: its absolute value along one axis."""

    __slots__ = ()

    @property
    def x(self):
        return CreateParameter("distance", {"dimension": 1})

    @property
    def y(self):
        return CreateParameter("distance", {"dimension": 2})

    @property
    def z(self):
        return CreateParameter("distance", {"dimension": 3})

    @staticmethod
    def n(dimension):
        return CreateParameter("distance", {"dimension": dimension})


def _distance():
    p = object.__new__(_Distance)
    p._spec = CreateParameter("distance", {})._spec
    return p


distance = _distance()


def _positions(endpoint):
    class _Pos:
        x = CreateParameter("position", {"dimension": 0, "synaptic_endpoint": endpoint})
        y = CreateParameter("position", {"dimension": 1, "synaptic_endpoint": endpoint})
        z = CreateParameter("position", {"dimension": 2, "synaptic_endpoint": endpoint})

        @staticmethod
        def n(dimension):
            return CreateParameter("position",
                                   {"dimension": dimension, "synaptic_endpoint": endpoint})

    return _Pos


pos = _positions(0)
pos.__doc__ = "Position of a node (node parameters)."
source_pos = _positions(1)
source_pos.__doc__ = "Position of the source node (connecting)."
target_pos = _positions(2)
target_pos.__doc__ = "Position of the target node (connecting)."


class grid:
    """Grid positions: `shape` [columns, rows(, depth)], optional `center`, `extent`
    (default 1 per dimension) and `edge_wrap` (periodic boundaries)."""

    def __init__(self, shape, center=None, extent=None, edge_wrap=False):
        self.shape = shape
        self.center = center
        self.extent = extent
        self.edge_wrap = edge_wrap


class free:
    """Free positions: a list or array of 2- or 3-element positions, a list of parameters
    (one per dimension) or one parameter (for every dimension; give `extent` or
    `num_dimensions`); optional `extent` and `edge_wrap`."""

    def __init__(self, pos, extent=None, edge_wrap=False, num_dimensions=None):
        import numpy as np

        from ._spatial import _Dimension

        if extent and num_dimensions:
            raise TypeError("extent and number of dimensions cannot be specified at the same time")
        if isinstance(pos, (list, tuple, np.ndarray)):
            if num_dimensions:
                raise TypeError(
                    "number of dimensions cannot be specified when using an array of positions"
                )
            if len(pos) == sum(isinstance(d, Parameter) for d in pos):
                self.pos = _Dimension(list(pos))
            else:
                self.pos = pos
        elif isinstance(pos, Parameter):
            if extent:
                num_dimensions = len(extent)
            if not num_dimensions:
                raise TypeError(
                    "could not infer number of dimensions. Set num_dimensions or extent when "
                    "using Parameter as pos"
                )
            self.pos = _Dimension([pos] * num_dimensions)
        else:
            raise TypeError("pos must be either an array of positions, or a Parameter")
        self.extent = extent
        self.edge_wrap = edge_wrap
        self.num_dimensions = num_dimensions
