"""multik's speed benchmarks: ``python -m benchmarks.overhead`` (see docs/performance.md)."""
