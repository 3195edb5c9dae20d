"""What multik covers of the legacy Keras backend API, read from the code itself: a function is
implemented when ``multik.backend`` exports it, deviates from tf_keras where the deviations
table lists it, and is unsupported on a backend where that table's ``UNSUPPORTED`` names the
cell. ``multik port`` and ``docs/api.md`` both report from here."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from multik import backend as K
from multik.backends import BACKENDS
from multik.conformance.deviations import DEVIATIONS, UNSUPPORTED, Deviation
from multik.legacy_api import LEGACY_API, LegacyFunction, legacy_function

__all__ = ["DEVIATIONS_DOC", "Coverage", "coverage", "deviation_link", "extra_functions"]

#: Where the deviations are explained; each has an anchor named after its tag.
DEVIATIONS_DOC = "docs/deviations.md"

SUPPORTED, DEVIATES, PARTIAL, MISSING = "supported", "deviation", "partial", "missing"


@dataclass(frozen=True)
class Coverage:
    """How multik covers one K function name."""

    name: str
    implemented: bool
    legacy: LegacyFunction | None
    deviations: tuple[Deviation, ...]
    #: backend -> why it raises UnsupportedError for this function.
    unsupported: dict[str, str]

    @property
    def status(self) -> str:
        """'supported' (every backend, as tf_keras), 'deviation' (every backend, with a
        documented difference), 'partial' (UnsupportedError on some backend) or 'missing'."""
        if not self.implemented:
            return MISSING
        if self.unsupported:
            return PARTIAL
        return DEVIATES if self.deviations else SUPPORTED

    @property
    def ported(self) -> bool:
        """Whether code using it runs on every backend with only the import changed."""
        return self.status in (SUPPORTED, DEVIATES)


def _implemented(name: str) -> bool:
    return name in K.__all__ and callable(getattr(K, name, None))


def coverage(name: str) -> Coverage:
    """How multik covers ``name``, computed from ``multik.backend`` and the deviations table."""
    return Coverage(
        name=name,
        implemented=_implemented(name),
        legacy=legacy_function(name),
        deviations=tuple(d for d in DEVIATIONS if name in d.functions),
        unsupported={b: why for (b, f), why in UNSUPPORTED.items() if f == name and b in BACKENDS},
    )


def deviation_link(deviation: Deviation) -> str:
    """The link to ``deviation`` in the deviations document."""
    return f"{DEVIATIONS_DOC}#{deviation.tag}"


def extra_functions() -> list[str]:
    """Functions of ``multik.backend`` that are not legacy API names, alphabetically (its
    classes, such as ``Variable``, are not counted)."""
    legacy = {f.name for f in LEGACY_API}
    return sorted(
        name
        for name in K.__all__
        if _implemented(name) and name not in legacy and not inspect.isclass(getattr(K, name))
    )
