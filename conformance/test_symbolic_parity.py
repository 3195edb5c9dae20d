"""Symbolic inference parity: every case that runs on placeholders is built on tf_keras.backend
placeholders in graph mode (the ``symbolic_oracle`` subprocess) and on multik placeholders on
every backend, twice: with the inputs' exact shapes, and with their first dimension unknown.

Static shapes must be equal (or, for the functions of ``KNOWN_SHAPE_REFINEMENTS``, know
dimensions that tf_keras leaves unknown), and dtypes too unless a deviation covers the case.
Where one side raises and the other infers, the difference must be a listed deviation
(tf_keras raising on what multik accepts by design) or be listed in
``KNOWN_INFERENCE_DIFFERENCES``, and every entry there must still differ. The default profile
checks the first case of each (function, dtype, error, tags) group; the full profile (marked
``slow``) checks every case and that each listed entry is still needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from symbolic_oracle import VARIANTS, inferred_cases, legacy_results, symbolic_args

import multik
from multik import backend as K
from multik.conformance.cases import Case
from multik.conformance.deviations import deviation_for
from multik.conformance.runner import representatives, settings
from multik.errors import MultikError
from multik.testing import test_backends

pytest.importorskip("tf_keras", reason="symbolic parity needs tf_keras installed as its oracle")

_CONSTANT_OF_PLACEHOLDER = (
    "tf_keras",
    "K.constant of a placeholder: multik converts the tensor (a graph node, as eager K.constant "
    "converts tensors); tf_keras graph mode raises TypeError (tf.constant needs a value)",
)
_INT_TARGET_SHAPE = (
    "tf_keras",
    "K.reshape to an int shape: TensorFlow graph mode needs a rank-1 shape (ValueError); eager "
    "TensorFlow and multik accept the int",
)

#: Where exactly one side raises, by case id or (function, variant): which side raises, and why.
KNOWN_INFERENCE_DIFFERENCES: dict[str | tuple[str, str], tuple[str, str]] = {
    ("constant", "exact"): _CONSTANT_OF_PLACEHOLDER,
    ("constant", "batch-none"): _CONSTANT_OF_PLACEHOLDER,
    "reshape-int32-arange12-to-12": _INT_TARGET_SHAPE,
    "reshape-float32-transposed-c-order": _INT_TARGET_SHAPE,
    ("bias_add", "batch-none"): (
        "tf_keras",
        "K.bias_add with a bias of rank ndim(x) - 1 whose first dimension is unknown: tf_keras "
        "reshapes the bias to its int_shape, None included (TypeError); multik infers the shape",
    ),
    "bias_add-float32-2d-vector-channels_first": (
        "tf_keras",
        "K.bias_add of a rank-2 x, channels_first: TensorFlow's graph-mode shape check for "
        "BiasAdd in NCHW needs rank 3 or more (ValueError); eager TensorFlow and multik add the "
        "bias along axis 1",
    ),
    ("batch_normalization", "batch-none"): (
        "multik",
        "K.batch_normalization with rank-1 statistics whose size is unknown (the variant makes "
        "their only dimension None): multik's inference probes that size, which then does not "
        "match x's feature axis (ShapeError); tf_keras's graph mode checks it when the graph "
        "runs. Statistics are variables of known size in practice",
    ),
    **{
        (function, "batch-none"): (
            "tf_keras",
            f"K.{function} with a kernel whose first dimension (a window size) is unknown: "
            "tf_keras's graph mode needs the window size for a dilated 'same' convolution "
            "(ValueError in space_to_batch) and for causal padding (TypeError on None); "
            "multik infers the shape, which 'same' and causal padding make independent of it",
        )
        for function in ("conv1d", "conv2d", "conv3d", "depthwise_conv2d", "separable_conv2d")
    },
    ("local_conv1d", "batch-none"): (
        "tf_keras",
        "K.local_conv1d with a kernel whose first dimension (the output steps) is unknown: "
        "tf_keras computes its slices from that None (TypeError); multik infers the steps as "
        "unknown",
    ),
    **{
        case_id: (
            "tf_keras",
            "a valid window larger than the input: TensorFlow's graph mode refuses the negative "
            "output size (ValueError); eager TensorFlow, tf_keras's eager mode and multik give "
            "an empty output",
        )
        for case_id in (
            "conv2d-float32-channels_last-valid-s1x1-d1x1-window-beyond-input",
            "pool2d-float32-channels_last-valid-max-k4x4-s1x1-window-beyond-input",
        )
    },
    "ctc_batch_cost-of-K.softmax-unlikely-labels": (
        "tf_keras",
        "K.ctc_batch_cost with one label column: tf_keras's graph-mode ctc_label_dense_to_sparse "
        "scans with a (batch, 1) shape that becomes (batch, None) after one step (ValueError "
        "on the loop's shape invariant); eager tf_keras and multik compute the loss",
    ),
    ("normalize_batch_in_training", "batch-none"): (
        "tf_keras",
        "K.normalize_batch_in_training over no axes with an unknown batch size: tf_keras "
        "reshapes the statistics to a shape holding None (TypeError); multik infers it",
    ),
}

#: Functions whose static shapes multik knows where tf_keras leaves a dimension unknown (None),
#: and why; the other dimensions must agree, and each entry must still refine some shape.
KNOWN_SHAPE_REFINEMENTS: dict[str, str] = {
    "batch_flatten": "tf_keras reshapes to a shape computed by ops at run time, so it loses "
    "prod(x.shape[1:]) (and the batch size) even where they are static; multik keeps them",
    "separable_conv2d": "with 'same' padding the output size is ceil(size / stride) whatever "
    "the window; tf_keras loses it when the depthwise kernel's window size is unknown, multik "
    "keeps it",
    "conv2d_transpose": "the explicit output_shape gives the result's shape, batch included; "
    "tf_keras leaves the batch (and, with a dilation, the spatial sizes) unknown where the "
    "input's batch is unknown",
}

#: The cases built on placeholders, and those of them the default (bounded) profile checks.
INFERRED = inferred_cases()
REPRESENTATIVE = [case for case in INFERRED if case.id in representatives(INFERRED)]


@dataclass(frozen=True)
class Inference:
    """What one side makes of a graph: its static shape and dtype, or the error it raises."""

    shape: tuple[int | None, ...] = ()
    dtype: str = ""
    error: str = ""


@dataclass(frozen=True)
class Difference:
    """A case and variant on which exactly one side raises."""

    case: Case
    variant: str
    raiser: str
    detail: str

    def __str__(self) -> str:
        return f"{self.case.id} [{self.variant}]: {self.raiser} raises {self.detail}"


@dataclass(frozen=True)
class Comparison:
    """multik against tf_keras on one backend: shape/dtype mismatches, and raise differences."""

    mismatches: list[str]
    differences: list[Difference]
    refined: set[str]


def _multik_inference(case: Case, variant: str) -> Inference:
    """multik's static shape and dtype for the case's graph on the active backend."""
    with settings(case.floatx, case.epsilon):
        try:
            result = case.invoke(K, *symbolic_args(case, variant, K))
        except MultikError as exc:
            return Inference(error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            raise AssertionError(
                f"{case.id} [{variant}]: {type(exc).__name__} escaped multik: {exc}"
            ) from exc
        return Inference(K.int_shape(result), K.dtype(result))


def _multik_inferences(backend: str, cases: list[Case]) -> dict[tuple[str, str], Inference]:
    """multik's inference for every case of ``cases`` and variant on ``backend``."""
    with multik.use_backend(backend):
        return {
            (case.id, variant): _multik_inference(case, variant)
            for case in cases
            for variant in VARIANTS
        }


def _legacy_inference(answer: dict[str, Any]) -> Inference:
    """tf_keras's inference from the oracle's JSON answer."""
    if "error" in answer:
        return Inference(error=answer["error"])
    return Inference(tuple(answer["shape"]), answer["dtype"])


def _compare(backend: str, legacy: dict[str, Any], cases: list[Case]) -> Comparison:
    """Compare multik on ``backend`` with tf_keras's answers on ``cases``, case by case."""
    ours = _multik_inferences(backend, cases)
    mismatches: list[str] = []
    differences: list[Difference] = []
    refined: set[str] = set()
    for case in cases:
        for variant in VARIANTS:
            mine = ours[case.id, variant]
            theirs = _legacy_inference(legacy[case.id][variant])
            if mine.error and theirs.error:
                continue
            if mine.error or theirs.error:
                raiser, failed, inferred = (
                    ("multik", mine, theirs) if mine.error else ("tf_keras", theirs, mine)
                )
                other = "multik" if raiser == "tf_keras" else "tf_keras"
                detail = f"{failed.error}; {other} infers {inferred.shape} {inferred.dtype}"
                differences.append(Difference(case, variant, raiser, detail))
                continue
            where = f"{case.id} [{variant}]"
            if mine.shape != theirs.shape:
                if case.function in KNOWN_SHAPE_REFINEMENTS and _refines(mine.shape, theirs.shape):
                    refined.add(case.function)
                else:
                    mismatches.append(f"{where}: int_shape {mine.shape}, tf_keras {theirs.shape}")
            if mine.dtype != theirs.dtype and deviation_for(case.function, case.tags) is None:
                mismatches.append(f"{where}: dtype {mine.dtype}, tf_keras {theirs.dtype}")
    return Comparison(mismatches, differences, refined)


def _refines(mine: tuple[int | None, ...], theirs: tuple[int | None, ...]) -> bool:
    """Whether ``mine`` is ``theirs`` with some of its unknown dimensions known."""
    return len(mine) == len(theirs) and all(t is None or m == t for m, t in zip(mine, theirs))


def _listed(difference: Difference) -> str | tuple[str, str] | None:
    """The KNOWN_INFERENCE_DIFFERENCES key covering ``difference`` with the same raiser."""
    case = difference.case
    for key in (case.id, (case.function, difference.variant)):
        entry = KNOWN_INFERENCE_DIFFERENCES.get(key)
        if entry is not None and entry[0] == difference.raiser:
            return key
    return None


def _excused(difference: Difference) -> bool:
    """Whether ``difference`` is listed, or is tf_keras raising on a documented deviation."""
    case = difference.case
    if _listed(difference) is not None:
        return True
    return difference.raiser == "tf_keras" and deviation_for(case.function, case.tags) is not None


@pytest.fixture(scope="session")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The oracle's answers: one tf_keras subprocess per test session."""
    return legacy_results(tmp_path_factory.getbasetemp() / "symbolic-oracle")


backends = pytest.mark.parametrize("backend", test_backends())


def _problems(comparison: Comparison) -> list[str]:
    """Shape and dtype mismatches, and raise differences that are not listed."""
    unlisted = [
        f"unlisted inference difference: {d}" for d in comparison.differences if not _excused(d)
    ]
    return comparison.mismatches + unlisted


@backends
def test_representative_cases_infer_as_tf_keras(backend: str, legacy: dict[str, Any]) -> None:
    """The first case of each (function, dtype, error, tags) group, both variants."""
    comparison = _compare(backend, legacy["inference"], REPRESENTATIVE)
    problems = _problems(comparison)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@backends
def test_every_case_infers_as_tf_keras(backend: str, legacy: dict[str, Any]) -> None:
    """Every inferred case; every listed difference and refinement must still be needed."""
    comparison = _compare(backend, legacy["inference"], INFERRED)
    problems = _problems(comparison)
    covered = {_listed(d) for d in comparison.differences}
    problems += [
        f"listed inference difference that no longer differs: {key!r}"
        for key in KNOWN_INFERENCE_DIFFERENCES
        if key not in covered
    ]
    problems += [
        f"listed shape refinement that tf_keras now infers too: {function}"
        for function in sorted(set(KNOWN_SHAPE_REFINEMENTS) - comparison.refined)
    ]
    assert not problems, "\n".join(problems)
