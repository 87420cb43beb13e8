"""Benchmarks (`make bench`, i.e. `python -m bench`): engine, explained assessment, batch, HTTP.

Never run by the tests: speed goals are measured here and reported, not asserted.
"""
