"""Benchmarks of the HTTP app against two baselines; run with `python -m bench.run`."""
