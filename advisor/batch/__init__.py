"""Batch screening: a whole enterprise registry at once, for proactive push (精准推送).

A registry is a CSV, JSON Lines or XLSX file with one enterprise per row (columns.py documents
the column mapping). `run_batch` streams it through a pool of worker processes, each with its
own Advisor, and streams out per enterprise the eligible and undetermined provisions and the
questions that would settle the rest; bad rows go to an errors file with their line numbers.
"""

from .run import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]
