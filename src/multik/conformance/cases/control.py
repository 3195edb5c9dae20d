"""Conformance cases of family N: control flow."""

from __future__ import annotations


def build() -> None:
    """Add this family's cases to the table."""
