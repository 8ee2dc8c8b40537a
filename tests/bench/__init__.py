"""Benchmarks: scripts that measure and print numbers, never timed tests."""
