"""Conformance cases of family O: connectionist temporal classification."""

from __future__ import annotations


def build() -> None:
    """Add this family's cases to the table."""
