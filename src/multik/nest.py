"""Nested structures of lists and tuples, as ``tf.nest`` sees them: what ``K.rnn``, ``K.map_fn``
and the folds accept for inputs, states and results.

A structure is a list or tuple whose items are structures or leaves; anything else (a tensor, a
Variable, a number, None) is a leaf. ``flatten`` lists the leaves depth first; ``pack_as`` puts
a flat list back into a structure's shape, keeping each level's list or tuple type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from multik.errors import InvalidArgumentError

__all__ = ["flatten", "is_nested", "pack_as"]


def is_nested(value: object) -> bool:
    """Whether ``value`` is a list or tuple (a structure, not a leaf)."""
    return isinstance(value, (list, tuple))


def _leaves(structure: Any) -> Iterator[Any]:
    if is_nested(structure):
        for item in structure:
            yield from _leaves(item)
    else:
        yield structure


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure``, depth first (a leaf gives a one-item list)."""
    return list(_leaves(structure))


def pack_as(structure: Any, flat: list[Any]) -> Any:
    """``flat`` arranged as the leaves of ``structure`` (which has ``len(flat)`` leaves)."""
    count = len(flatten(structure))
    if len(flat) != count:
        raise InvalidArgumentError(
            f"{len(flat)} values do not fit a structure of {count} tensors: {structure!r}"
        )
    items = iter(flat)

    def build(node: Any) -> Any:
        if not is_nested(node):
            return next(items)
        built = [build(item) for item in node]
        if hasattr(node, "_fields"):  # a namedtuple
            return type(node)(*built)
        return type(node)(built)

    return build(structure)
