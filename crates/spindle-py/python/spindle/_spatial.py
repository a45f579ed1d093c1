"""NEST's spatial networks (layers, spatial parameters, masks, spatial Connect), in Python.

A layer is a run of nodes made by `Create(model, positions=nest.spatial.grid(...) / free(...))`
with positions, an extent, a center and periodic boundaries (`edge_wrap`), kept by the
kernel state (`State.layers`, first id → `Layer`). The engine knows nothing of space: a spatial
`Connect` is expanded here, with numpy, into explicit (source, target) arrays with one weight
and delay per connection, and handed to the engine as NEST's `connect_arrays` (one_to_one on
two id arrays, see `rules.rs`). Node parameters given as spatial parameters (`pos.x`) are
evaluated here per node.

Semantics follow NEST 3.10's kernel (`nestkernel/grid_layer.h`, `free_layer.h`, `layer_impl.h`,
`mask.h`, `mask.cpp`, `connection_creator_impl.h`, `parameter.cpp`): grid positions
(`upper_left + ext / dims * gridpos + ext / dims * 0.5`, y axis downwards, the last dimension
fastest), free-layer extent (`ceil` of the positions' span) and center, displacement with
periodic wrap, which sources a mask selects (displacement source − target, minus the anchor,
boundaries included, rotated boxes with NEST's 1e-12 slack), and the order of connections
(target by target for `pairwise_bernoulli`, source by source with `use_on_source`).

Random draws (free positions from `nest.random` parameters, connection probabilities,
`fixed_indegree`/`fixed_outdegree` choices, random weights) come from a numpy generator
seeded by (the kernel's `rng_seed`, a per-kernel call counter): results depend on (script,
seed) only, and are another realisation than NEST's. Deterministic cases (p = 1, grids,
masks, distance-dependent weights) give NEST's connections exactly.
"""

from __future__ import annotations

import math

import numpy as np

from . import kernel as _k

# ---- random streams ------------------------------------------------------------------------


def rng():
    """A fresh numpy generator for one spatial call: seeded by (rng_seed, call counter)."""
    from . import _state

    s = _state.current()
    s.spatial_calls = getattr(s, "spatial_calls", 0) + 1
    return np.random.default_rng([int(s.rng_seed), 0x5350, s.spatial_calls])


# ---- layers --------------------------------------------------------------------------------


class Layer:
    """The spatial metadata of a run of `n` nodes from `first` on."""

    def __init__(self, first, n, positions, extent, center, edge_wrap, shape=None):
        self.first, self.n = first, n
        self.positions = np.asarray(positions, dtype=float).reshape(n, -1)
        self.dim = self.positions.shape[1]
        self.extent = np.asarray(extent, dtype=float)
        self.center = np.asarray(center, dtype=float)
        self.edge_wrap = bool(edge_wrap)
        self.shape = None if shape is None else np.asarray(shape, dtype=np.int64)

    @property
    def lower_left(self):
        return self.center - self.extent / 2

    def spatial(self, ids=None):
        """The layer's `.spatial` dict as NEST gives it for the nodes `ids` (all: None)."""
        idx = np.arange(self.n) if ids is None else self.index(ids)
        d = {
            # NEST keeps the lower left corner and reports lower_left + extent / 2.
            "center": self.lower_left + self.extent / 2,
            "edge_wrap": self.edge_wrap,
            "extent": self.extent.copy(),
            "network_size": len(idx),
        }
        if self.shape is not None:
            d["shape"] = self.shape.copy()
        else:
            d["positions"] = self.positions[idx].copy()
        return d

    def index(self, ids):
        return np.asarray(ids, dtype=np.int64) - self.first

    def displacement(self, frm, to):
        """NEST's `Layer::compute_displacement(from, to)` (vectors, periodic: fmod form)."""
        d = np.asarray(to, float) - np.asarray(frm, float)
        if self.edge_wrap:
            e = self.extent
            d = -0.5 * e + np.fmod(d + 0.5 * e, e)
            d = np.where(d < -0.5 * e, d + e, d)
        return d

    def displacement_dim(self, frm, to, k):
        """NEST's per-dimension displacement (periodic: `round` form)."""
        d = np.asarray(to, float)[..., k] - np.asarray(frm, float)[..., k]
        if self.edge_wrap:
            e = self.extent[k]
            d = d - e * np.round(d * (1 / e))
        return d


def grid_positions(shape, extent, center):
    """Positions of a grid layer, lid by lid (NEST's `GridLayer::lid_to_position`)."""
    dims = np.asarray(shape, dtype=np.int64)
    D = len(dims)
    n = int(np.prod(dims))
    lid = np.arange(n)
    gridpos = np.zeros((n, D), dtype=np.int64)
    for i in range(D - 1, 0, -1):
        gridpos[:, i] = lid % dims[i]
        lid = lid // dims[i]
    gridpos[:, 0] = lid
    ext = np.asarray(extent, float).copy()
    upper_left = np.asarray(center, float) - ext / 2
    if D > 1:
        upper_left[1] += ext[1]
        ext[1] = -ext[1]
    step = ext / dims
    return upper_left + step * gridpos + step * 0.5


def make_layer(first, n, positions):
    """The `Layer` of `Create(model, n, positions=...)` (a `grid` or a `free`), with NEST's
    checks."""
    from .spatial import grid

    if not isinstance(positions.edge_wrap, (bool, np.bool_)):
        raise _k.TypeMismatch(
            "Expected datatype: Failed to cast 'edge_wrap' from "
            f"{type(positions.edge_wrap).__name__} to type bool."
        )
    if isinstance(positions, grid):
        shape = [int(x) for x in positions.shape]
        if len(shape) not in (2, 3):
            raise _k.BadProperty("A grid layer has two or three dimensions.")
        D = len(shape)
        extent = [1.0] * D if positions.extent is None else [float(v) for v in positions.extent]
        center = [0.0] * D if positions.center is None else [float(v) for v in positions.center]
        if len(extent) != D or len(center) != D:
            raise _k.BadProperty("extent and center must have as many dimensions as shape.")
        return Layer(first, n, grid_positions(shape, extent, center), extent, center,
                     positions.edge_wrap, shape)
    pos = positions.pos
    from ._parameter import Parameter

    if isinstance(pos, (_Dimension, Parameter)):
        dims = pos.params if isinstance(pos, _Dimension) else [pos] * positions.num_dimensions
        r = rng()
        pts = np.array([[p.draw_one(r) for p in dims] for _ in range(n)], dtype=float)
    else:
        if len({len(p) for p in pos}) > 1:
            raise _k.BadProperty("All positions must have the same number of dimensions.")
        pts = np.asarray(pos, dtype=float)
        if pts.ndim != 2 or pts.shape[1] not in (2, 3):
            raise _k.BadProperty("Positions must have two or three dimensions.")
        if len(pts) != n and n != 1:
            raise _k.BadProperty("Number of positions must match the number of nodes.")
    D = pts.shape[1]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    center = (hi + lo) / 2
    if positions.extent is not None:
        extent = np.asarray([float(v) for v in positions.extent])
        if len(extent) != D:
            raise _k.BadProperty("extent must have as many dimensions as the positions.")
        if np.any(lo < center - extent / 2) or np.any(hi > center + extent / 2):
            raise _k.BadProperty("Node position outside of layer")
    else:
        if len(pts) <= 1:
            raise _k.KernelException("If only one node is created, 'extent' must be specified.")
        extent = np.ceil(hi - lo)
    return Layer(first, len(pts), pts, extent, center, positions.edge_wrap)


class _Dimension:
    """NEST's dimension2d/dimension3d parameter: one parameter per coordinate."""

    def __init__(self, params):
        if len(params) not in (2, 3):
            raise ValueError("Number of dimensions must be 2 or 3")
        self.params = [_Drawable(p) for p in params]


class _Drawable:
    def __init__(self, p):
        self.p = p

    def draw_one(self, r):
        from ._parameter import _draw

        with np.errstate(all="ignore"):
            return float(_draw(self.p._spec, r))


def layer_of(nc, required=True):
    """The layer that holds every node of `nc` (None if none does)."""
    from . import _state

    s = _state.current()
    ids = nc.tolist() if hasattr(nc, "tolist") else list(nc)
    layers = getattr(s, "layers", {})
    if ids:
        for first, layer in layers.items():
            if first <= ids[0] < first + layer.n and first <= ids[-1] < first + layer.n and all(
                first <= i < first + layer.n for i in ids
            ):
                return layer
    if required:
        raise TypeError("NodeCollection must have spatial information")
    return None


def register(layer):
    from . import _state

    s = _state.current()
    if not hasattr(s, "layers"):
        s.layers = {}
    s.layers[layer.first] = layer


# ---- spatial parameters -------------------------------------------------------------------


def is_spatial(spec) -> bool:
    if isinstance(spec, dict):
        if "spatial" in spec:
            return True
        return any(is_spatial(v) for v in spec.values())
    return False


class Context:
    """What a spatial parameter is evaluated on: pairs (source position, target position)
    of one layer (for displacements), or single nodes (`node` positions)."""

    def __init__(self, n, rng, layer, src=None, tgt=None, node=None):
        self.n, self.rng, self.layer = n, rng, layer
        self.src, self.tgt, self.node = src, tgt, node


def evaluate(spec, ctx) -> np.ndarray:
    """The values of a parameter for every pair (or node) of `ctx`, as NEST computes each."""
    n = ctx.n
    if not isinstance(spec, dict):
        return np.full(n, float(spec))
    kind = spec.get("spatial")
    with np.errstate(all="ignore"):
        if kind is not None:
            return _evaluate_spatial(kind, spec, ctx)
        dist = spec.get("distribution")
        r = ctx.rng
        if dist == "uniform":
            return spec["min"] + r.random(n) * (np.float64(spec["max"]) - spec["min"])
        if dist == "normal":
            return r.normal(spec["mean"], spec["std"], n)
        if dist == "lognormal":
            return r.lognormal(spec["mean"], spec["std"], n)
        if dist == "exponential":
            return spec["beta"] * -np.log(1.0 - r.random(n))
        if dist == "uniform_int":
            return r.integers(0, spec["max"], n).astype(float)
        op = spec["op"]
        if op in ("add", "sub", "mul", "div"):
            a, b = evaluate(spec["left"], ctx), evaluate(spec["right"], ctx)
            return {"add": np.add, "sub": np.subtract, "mul": np.multiply,
                    "div": np.divide}[op](a, b)
        if op == "pow":
            return np.power(evaluate(spec["param"], ctx), np.float64(spec["exponent"]))
        if op in ("exp", "sin", "cos"):
            return getattr(np, op)(evaluate(spec["param"], ctx))
        if op == "min":
            v = evaluate(spec["param"], ctx)
            return np.where(spec["value"] < v, spec["value"], v)
        if op == "max":
            v = evaluate(spec["param"], ctx)
            return np.where(v < spec["value"], spec["value"], v)
        if op == "compare":
            from ._parameter import _COMPARE

            a, b = evaluate(spec["left"], ctx), evaluate(spec["right"], ctx)
            return _COMPARE[spec["comparator"]](a, b).astype(float)
        if op == "conditional":
            c = evaluate(spec["condition"], ctx)
            return np.where(c != 0, evaluate(spec["if_true"], ctx),
                            evaluate(spec["if_false"], ctx))
        if op == "redraw":
            v = evaluate(spec["param"], ctx)
            for _ in range(1000):
                bad = (v < spec["min"]) | (v > spec["max"])
                if not bad.any():
                    return v
                v = np.where(bad, evaluate(spec["param"], ctx), v)
            raise _k.KernelException("Number of redraws exceeded limit of 1000")
    raise _k.InternalError(f"unknown parameter {spec!r}")


def _evaluate_spatial(kind, spec, ctx):
    if kind == "distance":
        if ctx.src is None:
            raise _k.KernelException(
                "A distance parameter needs two nodes (use it when connecting)"
            )
        k = spec.get("dimension", 0)
        layer = ctx.layer
        if k == 0:
            d = layer.displacement(ctx.src, ctx.tgt)
            return np.sqrt(np.sum(d * d, axis=1))
        if k > layer.dim:
            raise _k.KernelException(
                "Spatial distance dimension must be within the defined number of "
                "dimensions for the nodes."
            )
        return np.abs(layer.displacement_dim(ctx.src, ctx.tgt, k - 1))
    if kind == "position":
        k, end = spec["dimension"], spec.get("synaptic_endpoint", 0)
        pos = {0: ctx.node, 1: ctx.src, 2: ctx.tgt}[end]
        if pos is None:
            if end == 0 and ctx.tgt is not None:
                raise _k.KernelException(
                    "Node position parameter can only be used when using one node."
                )
            raise _k.KernelException("Source or target position parameter can only be used "
                                     "when connecting.")
        if k >= pos.shape[1]:
            raise _k.KernelException(
                "Node position dimension must be within the defined number of dimensions "
                "for the node."
            )
        return pos[:, k].astype(float)
    if kind == "exp_distribution":
        return np.exp(-evaluate(spec["x"], ctx) * (1.0 / spec["beta"]))
    if kind == "gaussian":
        dx = evaluate(spec["x"], ctx) - spec["mean"]
        return np.exp(-dx * dx * (1.0 / (2 * spec["std"] * spec["std"])))
    if kind == "gaussian2d":
        rho, sx, sy = spec["rho"], spec["std_x"], spec["std_y"]
        xt = 1.0 / (2.0 * (1.0 - rho * rho) * sx * sx)
        yt = 1.0 / (2.0 * (1.0 - rho * rho) * sy * sy)
        xyt = rho / ((1.0 - rho * rho) * sx * sy)
        dx = evaluate(spec["x"], ctx) - spec["mean_x"]
        dy = evaluate(spec["y"], ctx) - spec["mean_y"]
        return np.exp(-dx * dx * xt - dy * dy * yt + dx * dy * xyt)
    if kind == "gamma":
        kappa, inv_theta = spec["kappa"], 1.0 / spec["theta"]
        delta = inv_theta**kappa / math.gamma(kappa)
        x = evaluate(spec["x"], ctx)
        return np.power(x, kappa - 1.0) * np.exp(-1.0 * inv_theta * x) * delta
    if kind == "gabor":
        c = math.cos(spec["theta"] * math.pi / 180.0)
        s = math.sin(spec["theta"] * math.pi / 180.0)
        g, inv2 = spec["gamma"], 1.0 / (2 * spec["std"] * spec["std"])
        dx, dy = evaluate(spec["x"], ctx), evaluate(spec["y"], ctx)
        xp = dx * c + dy * s
        yp = -dx * s + dy * c
        e = np.exp(-g * g * xp * xp * inv2 - yp * yp * inv2)
        cp = np.maximum(np.cos(2 * math.pi * yp / spec["lam"] + spec["psi"] * math.pi / 180.0), 0.0)
        return e * cp
    raise _k.InternalError(f"unknown spatial parameter {kind!r}")


def spatial_parameter(kind, specs):
    """`CreateParameter` of a spatial type, with NEST's checks."""
    from ._parameter import Parameter

    def sub(x):
        if isinstance(x, Parameter):
            return x._spec
        return float(x)

    allowed = {
        "distance": ("dimension",),
        "position": ("dimension", "synaptic_endpoint"),
        "exp_distribution": ("x", "beta"),
        "gaussian": ("x", "mean", "std"),
        "gaussian2d": ("x", "y", "mean_x", "mean_y", "std_x", "std_y", "rho"),
        "gamma": ("x", "kappa", "theta"),
        "gabor": ("x", "y", "theta", "gamma", "std", "lam", "psi"),
    }[kind]
    unknown = [k for k in specs if k not in allowed]
    if unknown:
        raise _k.UnaccessedDictionaryEntry(
            "Unaccessed elements in param, in function create_parameter:  " + " ".join(unknown)
        )
    if kind == "distance":
        d = int(specs.get("dimension", 0))
        if d not in (0, 1, 2, 3):
            raise _k.KernelException(
                "SpatialDistanceParameter dimension must be either 0 for unspecified, or 1-3 "
                f"for x-z. Got {d}"
            )
        return Parameter._of({"spatial": "distance", "dimension": d})
    if kind == "position":
        if int(specs["dimension"]) < 0:
            raise _k.BadParameterValue("Position parameter dimension cannot be negative.")
        return Parameter._of({"spatial": "position", "dimension": int(specs["dimension"]),
                              "synaptic_endpoint": int(specs.get("synaptic_endpoint", 0))})
    missing = [k for k in allowed if k not in specs]
    if missing:
        raise IndexError("map::at")
    spec = {"spatial": kind}
    for k, v in specs.items():
        if k in ("x", "y") and not isinstance(v, Parameter):
            given = "double" if isinstance(v, float) else type(v).__name__
            raise _k.TypeMismatch(
                f"Expected datatype: Failed to cast '{k}' from {given} "
                "to type std::shared_ptr<nest::Parameter>"
            )
        spec[k] = sub(v) if k in ("x", "y") else float(v)
    checks = {
        "exp_distribution": [("beta", lambda v: v > 0, "beta > 0 required for exponential "
                              "distribution parameter, got beta=")],
        "gaussian": [("std", lambda v: v > 0, "std > 0 required for gaussian distribution "
                      "parameter, got std=")],
        "gaussian2d": [
            ("rho", lambda v: -1 < v < 1, "-1 < rho < 1 required for gaussian2d distribution "
             "parameter, got rho="),
            ("std_x", lambda v: v > 0, "std_x > 0 required for gaussian2d distribution "
             "parameter, got std_x="),
            ("std_y", lambda v: v > 0, "std_y > 0 required for gaussian2d distribution "
             "parameter, got std_y="),
        ],
        "gamma": [
            ("kappa", lambda v: v > 0, "kappa > 0 required for gamma distribution parameter, "
             "got kappa="),
            ("theta", lambda v: v > 0, "theta > 0 required for gamma distribution parameter, "
             "got theta="),
        ],
        "gabor": [
            ("std", lambda v: v > 0, "std > 0 required for gabor function parameter, got std="),
            ("gamma", lambda v: v > 0, "gamma > 0 required for gabor function parameter, got "
             "gamma="),
        ],
    }
    for key, ok, message in checks.get(kind, []):
        if key in spec and not ok(spec[key]):
            raise _k.BadProperty(f"{message}{spec[key]:f}")
    return Parameter._of(spec)


def node_values(p, nc):
    """The values of parameter `p` for each node of `nc` (a layer's nodes for `pos`)."""
    layer = layer_of(nc, required=is_spatial(p._spec))
    ids = nc.tolist()
    node = None if layer is None else layer.positions[layer.index(ids)]
    return evaluate(p._spec, Context(len(ids), rng(), layer, node=node))


# ---- masks --------------------------------------------------------------------------------


_MASK_TYPES = ("rectangular", "box", "circular", "spherical", "doughnut", "elliptical",
               "ellipsoidal", "grid")


class Mask:
    """A NEST mask (`CreateMask`): `Inside(point)`, and `&`, `|`, `-` between masks."""

    def __init__(self, kind, spec, anchor=None, left=None, right=None):
        self.kind, self.spec = kind, spec
        self.anchor = None if anchor is None else np.asarray(anchor, float)
        self.left, self.right = left, right
        if kind in ("rectangular", "box"):
            ll = np.asarray(spec["lower_left"], float)
            ur = np.asarray(spec["upper_right"], float)
            want = 2 if kind == "rectangular" else 3
            if len(ll) != want or len(ur) != want:
                raise _k.BadProperty(f"lower_left and upper_right of a {kind} mask have {want} "
                                     "coordinates.")
            if not np.all(ll < ur):
                raise _k.BadProperty(
                    "nest::BoxMask<D>: Upper right must be strictly to the right and above "
                    "lower left."
                )
            if kind == "rectangular" and "polar_angle" in spec:
                raise _k.BadProperty("nest::BoxMask<D>: polar_angle not defined in 2D.")
            self.ll, self.ur = ll, ur
            self.az = float(spec.get("azimuth_angle", 0.0))
            self.pol = float(spec.get("polar_angle", 0.0))
            self.dim = want
        elif kind in ("circular", "spherical"):
            self.radius = float(spec["radius"])
            if self.radius <= 0:
                raise _k.BadProperty("nest::BallMask<D>: radius > 0 required.")
            self.dim = 2 if kind == "circular" else 3
        elif kind == "doughnut":
            self.inner, self.outer = float(spec["inner_radius"]), float(spec["outer_radius"])
            if not self.inner < self.outer:
                raise _k.BadProperty("nest::DoughnutMask<D>: inner_radius < outer_radius "
                                     "required.")
            self.dim = 2
        elif kind in ("elliptical", "ellipsoidal"):
            self.dim = 2 if kind == "elliptical" else 3
            a, b = float(spec["major_axis"]), float(spec["minor_axis"])
            if a <= 0 or b <= 0:
                raise _k.BadProperty("nest::EllipseMask<D>: All axis > 0 required.")
            if a < b:
                raise _k.BadProperty(
                    "nest::EllipseMask<D>: major_axis greater than minor_axis required."
                )
            if self.dim == 2 and ("polar_axis" in spec or "polar_angle" in spec):
                key = "polar_axis" if "polar_axis" in spec else "polar_angle"
                raise _k.BadProperty(f"nest::EllipseMask<D>: {key} not defined in 2D.")
            self.xs, self.ys = 4.0 / (a * a), 4.0 / (b * b)
            c = float(spec.get("polar_axis", 0.0))
            self.zs = 4.0 / (c * c) if c else 0.0
            self.center = np.asarray(spec.get("center", [0.0] * self.dim), float)
            self.az = float(spec.get("azimuth_angle", 0.0))
            self.pol = float(spec.get("polar_angle", 0.0))
        elif kind == "grid":
            self.shape = [int(x) for x in spec["shape"]]
            self.dim = len(self.shape)
        elif kind in ("and", "or", "minus"):
            if left.dim != right.dim:
                raise _k.BadProperty("Masks must have same number of dimensions.")
            self.dim = left.dim
        else:
            raise _k.UnknownMaskType(f"Unknown mask type {kind}")

    def __and__(self, other):
        return Mask("and", None, left=self, right=other)

    def __or__(self, other):
        return Mask("or", None, left=self, right=other)

    def __sub__(self, other):
        return Mask("minus", None, left=self, right=other)

    def Inside(self, point):
        return bool(self.inside(np.asarray(point, float).reshape(1, -1))[0])

    def inside(self, p):
        """Which rows of `p` (displacements, one per row) the mask holds."""
        if self.anchor is not None:
            p = p - self.anchor
        k = self.kind
        if k in ("and", "or", "minus"):
            a, b = self.left.inside(p), self.right.inside(p)
            return a & b if k == "and" else (a | b if k == "or" else a & ~b)
        if k in ("rectangular", "box"):
            if self.az == 0.0 and self.pol == 0.0:
                return np.all((self.ll <= p) & (p <= self.ur), axis=1)
            q = _rotate_box(p, self)
            return np.all((self.ll - 1e-12 <= q) & (q <= self.ur + 1e-12), axis=1)
        if k in ("circular", "spherical"):
            return _ball(p, self.radius)
        if k == "doughnut":
            return _ball(p, self.outer) & ~_ball(p, self.inner)
        if k in ("elliptical", "ellipsoidal"):
            ac, as_ = math.cos(self.az * math.pi / 180), math.sin(self.az * math.pi / 180)
            d = p - self.center
            if self.dim == 2:
                x = d[:, 0] * ac + d[:, 1] * as_
                y = d[:, 0] * as_ - d[:, 1] * ac
                return x**2 * self.xs + y**2 * self.ys <= 1
            pc, ps = math.cos(self.pol * math.pi / 180), math.sin(self.pol * math.pi / 180)
            x = (d[:, 0] * ac + d[:, 1] * as_) * pc - d[:, 2] * ps
            y = d[:, 0] * as_ - d[:, 1] * ac
            z = (d[:, 0] * ac + d[:, 1] * as_) * ps + d[:, 2] * pc
            return x**2 * self.xs + y**2 * self.ys + z**2 * self.zs <= 1
        raise _k.NotImplemented(f"Inside() of a {k} mask")

    def bbox(self):
        """(lower left, upper right) of the mask, anchor applied."""
        k = self.kind
        if k in ("rectangular", "box"):
            lo, hi = self.ll.copy(), self.ur.copy()
            if self.az or self.pol:
                corners = np.array(np.meshgrid(*zip(self.ll, self.ur))).T.reshape(-1, self.dim)
                r = _rotate_back(corners, self)
                lo, hi = r.min(axis=0), r.max(axis=0)
        elif k in ("circular", "spherical"):
            lo, hi = -np.full(self.dim, self.radius), np.full(self.dim, self.radius)
        elif k == "doughnut":
            lo, hi = -np.full(2, self.outer), np.full(2, self.outer)
        elif k in ("elliptical", "ellipsoidal"):
            lo, hi = self._ellipse_bbox()
        elif k in ("and", "or", "minus"):
            (l1, h1), (l2, h2) = self.left.bbox(), self.right.bbox()
            if k == "and":
                lo, hi = np.maximum(l1, l2), np.minimum(h1, h2)
            elif k == "or":
                lo, hi = np.minimum(l1, l2), np.maximum(h1, h2)
            else:
                lo, hi = l1, h1
        else:
            lo, hi = np.zeros(self.dim), np.zeros(self.dim)
        if self.anchor is not None:
            lo, hi = lo + self.anchor, hi + self.anchor
        return lo, hi

    def _ellipse_bbox(self):
        """The tight bounding box of the rotated ellipse (ellipsoid)."""
        a, b = 1.0 / math.sqrt(self.xs), 1.0 / math.sqrt(self.ys)
        ac, as_ = math.cos(self.az * math.pi / 180), math.sin(self.az * math.pi / 180)
        if self.dim == 2:
            half = np.array([math.hypot(a * ac, b * as_), math.hypot(a * as_, b * ac)])
        else:
            c = 1.0 / math.sqrt(self.zs) if self.zs else 0.0
            pc, ps = math.cos(self.pol * math.pi / 180), math.sin(self.pol * math.pi / 180)
            # Columns: the ellipsoid's axes in space (the inverse of `inside`'s rotation).
            axes = np.array([[ac * pc, as_, ac * ps], [as_ * pc, -ac, as_ * ps], [-ps, 0.0, pc]])
            half = np.sqrt((axes**2) @ np.array([a * a, b * b, c * c]))
        return self.center - half, self.center + half

    def get_dict(self):
        d = {self.kind: dict(self.spec)} if self.spec is not None else {}
        if self.anchor is not None:
            d["anchor"] = self.anchor.tolist()
        return d


def _ball(p, radius):
    return np.sqrt(np.sum(p * p, axis=1)) <= radius


def _rotate_box(p, m):
    """Rotate points down into the unrotated box, as `BoxMask::inside` does."""
    c = (m.ur + m.ll) * 0.5
    ac, as_ = math.cos(m.az * math.pi / 180), math.sin(m.az * math.pi / 180)
    if m.dim == 2:
        x = p[:, 0] * ac - c[0] * ac + p[:, 1] * as_ - c[1] * as_ + c[0]
        y = -p[:, 0] * as_ + c[0] * as_ + p[:, 1] * ac - c[1] * ac + c[1]
        return np.stack([x, y], axis=1)
    pc, ps = math.cos(m.pol * math.pi / 180), math.sin(m.pol * math.pi / 180)
    x = (p[:, 0] * ac * pc - c[0] * ac * pc + p[:, 1] * as_ * pc - c[1] * as_ * pc
         - p[:, 2] * ps + c[2] * ps + c[0])
    y = -p[:, 0] * as_ + c[0] * as_ + p[:, 1] * ac - c[1] * ac + c[1]
    z = (p[:, 0] * ac * ps - c[0] * ac * ps + p[:, 1] * as_ * ps - c[1] * as_ * ps
         + p[:, 2] * pc - c[2] * pc + c[2])
    return np.stack([x, y, z], axis=1)


def _rotate_back(q, m):
    """The inverse of `_rotate_box` (for the bounding box)."""
    c = (m.ur + m.ll) * 0.5
    a, b = m.az * math.pi / 180, m.pol * math.pi / 180
    d = q - c
    if m.dim == 2:
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        return d @ rot.T + c
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    return d @ (rz @ ry).T + c


_MASK_KEYS = {
    "rectangular": (("lower_left", "upper_right"), ("azimuth_angle",)),
    "box": (("lower_left", "upper_right"), ("azimuth_angle", "polar_angle")),
    "circular": (("radius",), ()),
    "spherical": (("radius",), ()),
    "doughnut": (("inner_radius", "outer_radius"), ()),
    "elliptical": (("major_axis", "minor_axis"), ("azimuth_angle", "center")),
    "ellipsoidal": (("major_axis", "minor_axis", "polar_axis"),
                    ("azimuth_angle", "polar_angle", "center")),
    "grid": (("shape",), ()),
}


def create_mask(masktype, specs, anchor=None):
    if masktype not in _MASK_TYPES:
        raise _k.UnknownMaskType(f"Unknown mask type {masktype}")
    if not isinstance(specs, dict):
        raise TypeError("specs must be a dict")
    specs = dict(specs)
    required, optional = _MASK_KEYS[masktype]
    unknown = [k for k in specs if k not in (*required, *optional, "anchor", "center")]
    if unknown:
        raise _k.UnaccessedDictionaryEntry(
            f"Unaccessed elements in mask definition of {masktype}: " + " ".join(unknown)
        )
    missing = [k for k in required if k not in specs]
    if missing:
        raise _k.BadProperty(f"{masktype} mask: {', '.join(missing)} required.")
    if "anchor" in specs and anchor is None:
        anchor = specs.pop("anchor")
    if "center" in specs and masktype in ("circular", "spherical", "doughnut"):
        c = np.asarray(specs.pop("center"), float)
        anchor = c if anchor is None else np.asarray(anchor, float) + c
    if masktype == "grid":
        return Mask(masktype, specs, anchor=None if anchor is None else anchor)
    return Mask(masktype, specs, anchor)


def mask_from_dict(d):
    """A conn_spec `mask` dict (`{"circular": {...}, "anchor": [...]}`) or a Mask."""
    if isinstance(d, Mask):
        return d
    if not isinstance(d, dict):
        raise TypeError("mask must be a Mask or a dict")
    d = dict(d)
    anchor = d.pop("anchor", None)
    if len(d) != 1:
        raise _k.BadProperty("Mask definition dictionary must contain exactly one mask type.")
    ((kind, spec),) = d.items()
    return create_mask(kind, spec, anchor)


# ---- spatial Connect ---------------------------------------------------------------------

_CONN_KEYS = ("mask", "allow_multapses", "allow_autapses", "rule", "indegree", "outdegree", "p",
              "pairwise_avg_num_conns", "use_on_source", "allow_oversized_mask")
_SYN_KEYS = ("weight", "delay", "synapse_model", "synapse_label", "receptor_type")


def needed(conn_spec, syn_spec) -> bool:
    """PyNEST's `_connect_layers_needed`: whether Connect goes the spatial way."""
    from ._parameter import Parameter

    if isinstance(conn_spec, dict):
        if any(isinstance(v, Parameter) and v.is_spatial() for v in conn_spec.values()):
            return True
        rule = str(conn_spec.get("rule", "all_to_all"))
        if "mask" in conn_spec or ("p" in conn_spec and "pairwise_bernoulli" not in rule) or (
            "use_on_source" in conn_spec
        ):
            return True
        if "pairwise_avg_num_conns" in conn_spec and "pairwise_poisson" not in rule:
            return True
    if isinstance(syn_spec, dict):
        if any(isinstance(v, Parameter) and v.is_spatial() for v in syn_spec.values()):
            return True
    return False


def _pool_hits(mask, converse, positions, anchor, layer):
    """Indices of `positions` (a pool of a layer, with `layer`'s periodicity) that the mask
    centred at `anchor` holds, as NEST's masked ntree iterator yields them: once per periodic
    image of the anchor that reaches them."""
    lo, hi = mask.bbox()
    if converse:
        lo, hi = -hi, -lo
    anchors = [np.asarray(anchor, float)]
    if layer is not None and layer.edge_wrap:
        ll, ext = layer.lower_left, layer.extent
        a = anchors[0].copy()
        a = np.mod(a + lo - ll, ext) - lo + ll
        anchors = [a]
        for i in range(len(ext)):
            if a[i] + hi[i] - ll[i] > ext[i]:
                for p in list(anchors):
                    q = p.copy()
                    q[i] -= ext[i]
                    anchors.append(q)
    out = []
    for a in anchors:
        d = positions - a
        inside = mask.inside(-d if converse else d)
        out.append(np.nonzero(inside)[0])
    return np.concatenate(out) if len(out) > 1 else out[0]


def connect(pre, post, conn_spec, syn_spec):
    """A spatial Connect (NEST's `ConnectLayers`), made as explicit (source, target) arrays."""
    from . import _state
    from ._parameter import Parameter

    for key in conn_spec:
        if key not in _CONN_KEYS:
            raise ValueError(f"'{key}' is not allowed in conn_spec when connecting with mask or "
                             "kernel")
    syn_spec = {} if syn_spec is None else (
        {"synapse_model": syn_spec} if isinstance(syn_spec, str) else dict(syn_spec))
    for key in syn_spec:
        if key not in _SYN_KEYS:
            raise ValueError(f"'{key}' is not allowed in syn_spec when connecting with mask or "
                             "kernel")
    src_layer = layer_of(pre, required=False)
    tgt_layer = layer_of(post, required=False)
    if src_layer is None:
        raise TypeError("Presynaptic NodeCollection must have spatial information")
    if tgt_layer is None:
        raise TypeError("Postsynaptic NodeCollection must have spatial information")
    if src_layer.dim != tgt_layer.dim:
        raise _k.BadProperty("Source and target layers must have the same number of dimensions.")
    rule = conn_spec.get("rule", "all_to_all")
    if rule not in ("pairwise_bernoulli", "fixed_indegree", "fixed_outdegree",
                    "pairwise_poisson"):
        raise ValueError(
            "When using kernel or mask, the only possible connection rules are "
            "'pairwise_bernoulli', 'fixed_indegree', or 'fixed_outdegree'"
        )
    if "use_on_source" in conn_spec and rule != "pairwise_bernoulli":
        raise ValueError("'use_on_source' can only be set when using pairwise_bernoulli")
    autapses = bool(conn_spec.get("allow_autapses", True))
    multapses = bool(conn_spec.get("allow_multapses", True))
    oversized = bool(conn_spec.get("allow_oversized_mask", False))
    mask = None
    if "mask" in conn_spec:
        mask = mask_from_dict(conn_spec["mask"])
        if mask.dim != src_layer.dim:
            raise _k.BadProperty("Mask is incompatible with layer.")
    kernel = conn_spec.get("pairwise_avg_num_conns" if rule == "pairwise_poisson" else "p")
    if kernel is not None and not isinstance(kernel, Parameter):
        kernel = float(kernel)
    src_ids = np.asarray(pre.tolist(), np.int64)
    tgt_ids = np.asarray(post.tolist(), np.int64)
    if _is_device(int(tgt_ids[0])) and not (
        rule == "pairwise_bernoulli" and conn_spec.get("use_on_source", False)
    ):
        raise _k.IllegalConnection(
            f"Spatial Connect with {rule} to devices is not possible (use pairwise_bernoulli "
            "with use_on_source)."
        )
    src_pos = src_layer.positions[src_layer.index(src_ids)]
    tgt_pos = tgt_layer.positions[tgt_layer.index(tgt_ids)]
    r = rng()
    on_source = rule == "pairwise_bernoulli" and bool(conn_spec.get("use_on_source", False))
    # The layer whose periodicity the pool and the kernel use (NEST's MaskedLayer).
    geo = src_layer if (on_source or rule in ("fixed_indegree", "pairwise_poisson")) else (
        tgt_layer)
    if mask is not None and mask.kind == "grid":
        mask = _grid_mask_box(mask, src_layer if rule != "fixed_outdegree" else tgt_layer)
    if mask is not None and not oversized and geo.edge_wrap:
        lo, hi = mask.bbox()
        if np.any(hi - lo > geo.extent):
            raise _k.BadProperty(
                "Mask size must not exceed layer size; set allow_oversized_mask to override."
            )

    def kernel_values(s_idx, t_idx, layer):
        if kernel is None:
            return None
        if isinstance(kernel, float):
            return np.full(len(s_idx), kernel)
        ctx = Context(len(s_idx), r, layer, src=src_pos[s_idx], tgt=tgt_pos[t_idx])
        return evaluate(kernel._spec, ctx)

    sources, targets = [], []
    if rule == "pairwise_bernoulli":
        all_src = np.arange(len(src_ids))
        for j in range(len(tgt_ids)):
            if mask is None:
                cand = all_src
            else:
                cand = _pool_hits(mask, not on_source, src_pos, tgt_pos[j], geo)
            if not autapses:
                cand = cand[src_ids[cand] != tgt_ids[j]]
            if kernel is not None and len(cand):
                p = kernel_values(cand, np.full(len(cand), j), geo)
                cand = cand[r.random(len(cand)) < p]
            sources.append(cand)
            targets.append(np.full(len(cand), j))
    elif rule == "pairwise_poisson":
        # NEST: per target, sources in the mask around it, Poisson(kernel) connections each.
        all_src = np.arange(len(src_ids))
        for j in range(len(tgt_ids)):
            cand = all_src if mask is None else _pool_hits(mask, False, src_pos, tgt_pos[j], geo)
            if not autapses:
                cand = cand[src_ids[cand] != tgt_ids[j]]
            lam = kernel_values(cand, np.full(len(cand), j), geo)
            cand = np.repeat(cand, r.poisson(lam if lam is not None else 1.0, len(cand)))
            sources.append(cand)
            targets.append(np.full(len(cand), j))
    elif rule == "fixed_indegree":
        degrees = _degrees(conn_spec["indegree"], len(tgt_ids), r)
        all_src = np.arange(len(src_ids))
        for j in range(len(tgt_ids)):
            k = degrees[j]
            cand = all_src if mask is None else _pool_hits(mask, False, src_pos, tgt_pos[j], geo)
            if not autapses:
                cand = cand[src_ids[cand] != tgt_ids[j]]
            chosen = _choose(r, cand, k, multapses,
                             kernel_values(cand, np.full(len(cand), j), geo), "sources",
                             tgt_ids[j])
            sources.append(chosen)
            targets.append(np.full(len(chosen), j))
    else:
        degrees = _degrees(conn_spec["outdegree"], len(src_ids), r)
        all_tgt = np.arange(len(tgt_ids))
        for i in range(len(src_ids)):
            k = degrees[i]
            cand = all_tgt if mask is None else _pool_hits(mask, False, tgt_pos, src_pos[i], geo)
            if not autapses:
                cand = cand[tgt_ids[cand] != src_ids[i]]
            chosen = _choose(r, cand, k, multapses,
                             kernel_values(np.full(len(cand), i), cand, geo), "targets",
                             src_ids[i])
            sources.append(np.full(len(chosen), i))
            targets.append(chosen)
    s_idx = np.concatenate(sources) if sources else np.zeros(0, np.int64)
    t_idx = np.concatenate(targets) if targets else np.zeros(0, np.int64)
    if rule == "fixed_outdegree":
        # NEST makes them target by target in its threads; per source, in target order.
        order = np.lexsort((s_idx, t_idx))
        s_idx, t_idx = s_idx[order], t_idx[order]
    n = len(s_idx)
    if n == 0:
        return
    syn = {}
    for key, value in syn_spec.items():
        if isinstance(value, Parameter):
            ctx = Context(n, r, geo, src=src_pos[s_idx], tgt=tgt_pos[t_idx])
            syn[key] = evaluate(value._spec, ctx)
        else:
            syn[key] = value
    s = _state.current()
    s.connect(src_ids[s_idx].tolist(), tgt_ids[t_idx].tolist(), {"rule": "one_to_one"}, syn,
              True)


def _is_device(node_id):
    from . import _state

    s = _state.current()
    base = s.resolve_model(s.entry(node_id).model)[0]
    return _state._DEFAULTS.get(base, {}).get("element_type") in ("recorder", "stimulator")


def _degrees(value, n, r):
    """The degree of each of `n` nodes: a number, or a (non-spatial) parameter drawn per node
    and rounded, as NEST draws `number_of_connections`."""
    from ._parameter import Parameter

    if isinstance(value, Parameter):
        v = np.round(evaluate(value._spec, Context(n, r, None)))
        if np.any(v < 0):
            raise _k.BadProperty("Number of connections must be non-negative.")
        return v.astype(np.int64)
    return np.full(n, int(value), np.int64)


def _choose(r, cand, k, multapses, p, what, node):
    """`k` of `cand` drawn with weights `p` (None: uniform), as NEST's fixed_indegree /
    fixed_outdegree on layers draw them."""
    if k == 0:
        return cand[:0]
    if len(cand) == 0:
        raise _k.KernelException(f"No {what} found inside mask for node {node}.")
    w = None
    if p is not None:
        if np.any(p < 0):
            raise _k.BadProperty("Probability must be non-negative.")
        total = p.sum()
        if total <= 0:
            raise _k.KernelException(f"No {what} with positive probability for node {node}.")
        w = p / total
    if not multapses:
        avail = len(cand) if w is None else int(np.count_nonzero(w))
        if k > avail:
            raise _k.KernelException(
                f"Global number of {what} inside mask ({avail}) is smaller than the number of "
                f"connections requested ({k}) for node {node} while multapses are not allowed."
            )
        return r.choice(cand, size=k, replace=False, p=w)
    return r.choice(cand, size=k, replace=True, p=w)


def _grid_mask_box(mask, layer):
    """A grid mask (shape in grid cells, anchor a cell) as the box NEST makes of it."""
    if layer.shape is None:
        raise _k.BadProperty("Grid masks can only be used with grid layers.")
    dims = layer.shape.astype(float)
    ext = layer.extent
    shape = np.asarray(mask.shape, float)
    anchor = np.zeros(len(shape)) if mask.anchor is None else np.asarray(mask.anchor, float)
    ul = -anchor
    lr = ul + shape
    lower_left = ext / dims * ul - ext / dims * 0.5
    upper_right = ext / dims * lr - ext / dims * 0.5
    y = lower_left[1]
    lower_left[1] = -upper_right[1]
    upper_right[1] = -y
    kind = "rectangular" if len(shape) == 2 else "box"
    return Mask(kind, {"lower_left": lower_left.tolist(), "upper_right": upper_right.tolist()})


# ---- PyNEST's spatial functions ----------------------------------------------------------


def _nc_positions(nc):
    layer = layer_of(nc, required=False)
    if layer is None:
        raise _k.KernelException("InvalidNodeCollection: the nodes have no spatial information")
    return layer, layer.positions[layer.index(nc.tolist())]


def get_position(nodes):
    _, pos = _nc_positions(nodes)
    out = pos.tolist()
    return out[0] if len(out) == 1 else out


def _from_positions(from_arg):
    from ._collections import NodeCollection

    if isinstance(from_arg, NodeCollection):
        return _nc_positions(from_arg)[1]
    a = np.asarray(from_arg, float)
    return a.reshape(1, -1) if a.ndim == 1 else a


def _pairs(from_arg, to_arg):
    from ._collections import NodeCollection

    if not isinstance(to_arg, NodeCollection):
        raise TypeError("to_arg must be a NodeCollection")
    if isinstance(from_arg, np.ndarray) and from_arg.ndim == 1:
        from_arg = (from_arg,)
    if len(from_arg) > 1 and len(to_arg) > 1 and not len(from_arg) == len(to_arg):
        raise ValueError("to_arg and from_arg must have same size unless one have size 1.")
    layer, to = _nc_positions(to_arg)
    frm = _from_positions(from_arg)
    n = max(len(frm), len(to))
    return layer, np.broadcast_to(frm, (n, frm.shape[1])), np.broadcast_to(to, (n, to.shape[1]))


def displacement(from_arg, to_arg):
    from ._collections import NodeCollection

    layer, frm, to = _pairs(from_arg, to_arg)
    # NEST's Displacement(from, to) is from − to between nodes, but to − from from a point,
    # wrapped with the layer of `to`.
    if isinstance(from_arg, NodeCollection):
        return layer.displacement(to, frm).tolist()
    return layer.displacement(frm, to).tolist()


def distance(from_arg, to_arg):
    layer, frm, to = _pairs(from_arg, to_arg)
    d = layer.displacement(to, frm)
    return np.sqrt(np.sum(d * d, axis=1)).tolist()


def select_nodes_by_mask(layer_nc, anchor, mask):
    from ._collections import NodeCollection

    layer, pos = _nc_positions(layer_nc)
    hits = _pool_hits(mask, False, pos, np.asarray(anchor, float), layer)
    ids = np.asarray(layer_nc.tolist())[np.unique(hits)]
    return NodeCollection(ids.tolist())


def apply(p, nc, positions=None):
    """NEST's `Parameter.apply`."""
    if positions is None:
        v = node_values(p, nc)
        return tuple(v.tolist())
    layer, src = _nc_positions(nc)
    if len(src) != 1:
        raise ValueError("The NodeCollection must contain a single node ID only")
    if not all(hasattr(x, "__len__") for x in positions):
        raise TypeError("Positions must be a list of lists of floats")
    if len({len(x) for x in positions}) > 1:
        raise ValueError("All positions must have the same number of dimensions")
    tgt = np.asarray(positions, float).reshape(len(positions), -1)
    if tgt.shape[1] != layer.dim:
        raise _k.BadProperty(
            "Target position has a different number of dimensions than the source layer"
        )
    ctx = Context(len(tgt), rng(), layer, src=np.repeat(src, len(tgt), axis=0), tgt=tgt)
    return tuple(evaluate(p._spec, ctx).tolist())


def dump_layer_nodes(nc, path):
    _, pos = _nc_positions(nc)
    with open(path, "w") as f:
        for i, p in zip(nc.tolist(), pos):
            f.write(f"{i} " + " ".join(f"{x:g}" for x in p) + "\n")


def dump_layer_connections(src_nc, tgt_nc, synapse_model, path):
    from . import GetConnections

    src_layer, _ = _nc_positions(src_nc)
    tgt_layer, _ = _nc_positions(tgt_nc)
    c = GetConnections(src_nc, tgt_nc, synapse_model=synapse_model)
    with open(path, "w") as f:
        if len(c) == 0:
            return
        s = np.atleast_1d(c.get("source"))
        t = np.atleast_1d(c.get("target"))
        w = np.atleast_1d(c.get("weight"))
        d = np.atleast_1d(c.get("delay"))
        sp = src_layer.positions[src_layer.index(s)]
        tp = tgt_layer.positions[tgt_layer.index(t)]
        disp = tgt_layer.displacement(sp, tp)
        for k in range(len(s)):
            f.write(f"{s[k]} {t[k]} {w[k]:g} {d[k]:g} " + " ".join(f"{x:g}" for x in disp[k])
                    + "\n")


def connection_distances(sources, targets):
    """The distance of each connection (SynapseCollection.distance); NaN where a node is
    not in a layer."""
    sources, targets = np.asarray(sources), np.asarray(targets)
    out = np.full(len(sources), np.nan)
    from ._collections import NodeCollection

    for k, (s, t) in enumerate(zip(sources.tolist(), targets.tolist())):
        sl = layer_of(NodeCollection([s]), required=False)
        tl = layer_of(NodeCollection([t]), required=False)
        if sl is None or tl is None:
            continue
        d = tl.displacement(sl.positions[s - sl.first], tl.positions[t - tl.first])
        out[k] = float(np.sqrt(np.sum(d * d)))
    return out
