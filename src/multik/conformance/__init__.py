"""The multik conformance suite: case tables, tolerances, deviations, runner and report.

``multik conformance`` (or ``python -m multik.conformance.report``) runs it without pytest; the
top-level ``conformance/`` folder runs the same cases under pytest.
"""
