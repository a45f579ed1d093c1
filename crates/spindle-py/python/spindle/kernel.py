"""NEST's exception classes, as spindle raises them.

PyNEST 3.10 raises `nest.NESTErrors.<Name>`, every class deriving from
`nest.NESTErrors.KernelException`, which is also exported as `nest.NESTError`; older PyNEST
spelled them `nest.kernel.NESTError` and `nest.kernel.NESTErrors.<Name>`. spindle offers all
of these spellings: `spindle.kernel.BadProperty`, `spindle.kernel.NESTErrors.BadProperty`,
`spindle.NESTErrors.BadProperty`, and `spindle.NESTError` / `spindle.kernel.NESTError` as the
common base, so `except nest.NESTError` and `except nest.NESTErrors.BadProperty` keep working
after `import spindle as nest`.
"""

from types import SimpleNamespace


class KernelException(Exception):
    """The base of every NEST error (NEST's `NESTErrors.KernelException`)."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.errorname = type(self).__name__
        self.errormessage = message


NESTError = KernelException

# The exception names of NEST 3.10's `NESTErrors` module.
_NAMES = [
    "BackendAlreadyRegistered",
    "BackendNotPrepared",
    "BackendPrepared",
    "BadDelay",
    "BadParameter",
    "BadParameterValue",
    "BadProperty",
    "DimensionMismatch",
    "DistributionError",
    "DynamicModuleManagementError",
    "GSLSolverFailure",
    "IOError",
    "IllegalConnection",
    "IncompatibleReceptorType",
    "InexistentConnection",
    "InternalError",
    "InvalidDefaultResolution",
    "InvalidTimeInModel",
    "KeyError",
    "LayerExpected",
    "LayerNodeExpected",
    "LocalNodeExpected",
    "ModelInUse",
    "NamingConflict",
    "NewModelNameExists",
    "NodeWithProxiesExpected",
    "NotImplemented",
    "NumericalInstability",
    "RangeCheck",
    "StepMultipleRequired",
    "TimeMultipleRequired",
    "TypeMismatch",
    "UnaccessedDictionaryEntry",
    "UndefinedName",
    "UnexpectedEvent",
    "UnknownComponent",
    "UnknownModelName",
    "UnknownNode",
    "UnknownPort",
    "UnknownReceptorType",
    "UnknownSynapseType",
    "UnknownThread",
    "UnmatchedSteps",
    "UnsupportedEvent",
]

_classes = {"KernelException": KernelException}
for _name in _NAMES:
    _classes[_name] = type(
        _name, (KernelException,), {"__module__": __name__, "__doc__": f"NEST's {_name}."}
    )

#: The namespace of NEST's exception classes (`NESTErrors.BadProperty`, …).
NESTErrors = SimpleNamespace(**_classes)

# Also as module attributes (`spindle.kernel.BadProperty`). Some names (`KeyError`,
# `IOError`, `NotImplemented`) shadow Python's built-ins inside this module only, as they do
# in NEST's `NESTErrors`.
globals().update(_classes)

__all__ = ["NESTError", "NESTErrors", *_classes]
