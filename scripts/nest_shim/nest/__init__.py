"""`import nest` that gives spindle: NEST's own examples and pytest suite, unchanged, on spindle.

Put `scripts/nest_shim` first on `PYTHONPATH` and every `import nest`, `import nest.raster_plot`,
`from nest.lib.hl_api_types import NodeCollection`, `nest.random.lognormal(…)` … resolves to
spindle's objects (`import spindle`). `scripts/nest_conformance.py` runs NEST's suite and
examples this way to measure how much of PyNEST spindle covers.

Where spindle has no such name, reading it raises spindle's `NotImplemented` exception (NEST's
`NESTErrors.NotImplemented`) with a message naming the missing thing, e.g.
`NotImplemented: nest.Disconnect`, never an `AttributeError` or `ImportError`: a test or an
example that needs something spindle lacks then fails with a cause the report can count.
Setting a name spindle does not know (`nest.overwrite_files = True`) raises the same way;
setting one it knows (`nest.resolution = 0.1`) goes to spindle.

The shim stays generic (the machinery is in `_shim.py`): a module class with `__getattr__` /
`__setattr__` that forwards to the spindle module of the same dotted name, plus an import hook
that makes every `nest.X.Y` importable. It copies nothing of PyNEST's API. Its only knowledge of
PyNEST is

- which names PyNEST's package has as submodules, so that `nest.raster_plot` without an import
  gives a module rather than a NotImplemented error;
- that PyNEST re-exports the public names of `nest.lib.hl_api_*` at top level, so
  `nest.lib.hl_api_types.NodeCollection` is `spindle.NodeCollection`;
- the build features (`have_gsl`, `have_mpi`, …) that the suite's `conftest.py` reads from
  `nest.build_info` before every test: where spindle's `build_info` lacks one, the shim answers
  for spindle's build (threads yes, MPI no), so that NEST's conftest keeps working and each
  test passes or fails on its own merits. These describe the build, not simulation results.
"""

from . import _shim

_shim.install(__name__)
