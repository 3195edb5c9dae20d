"""Conformance cases of family L: convolution and pooling."""

from __future__ import annotations


def build() -> None:
    """Add this family's cases to the table."""
