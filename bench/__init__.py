"""Benchmarks of the whole system on this machine: `python -m bench` (see README, "Performance")."""
