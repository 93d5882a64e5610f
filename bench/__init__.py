"""Benchmarks at 10k, 100k and 1M meldingen (issue 8): `python -m bench generate|run|report`. See README.md."""
