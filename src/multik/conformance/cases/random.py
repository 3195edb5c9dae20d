"""Conformance cases of family M: random numbers and dropout."""

from __future__ import annotations


def build() -> None:
    """Add this family's cases to the table."""
