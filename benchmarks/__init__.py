"""Benchmarks, side by side with peers; each script runs on its own (see the README)."""
