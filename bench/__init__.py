"""Benchmarks: scripts that print speed figures (never timed tests)."""
