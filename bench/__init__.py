"""Benchmarks: each script prints measured figures and ratios against a reference."""
