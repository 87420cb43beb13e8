"""Batch screening: a whole enterprise registry at once, for proactive push (精准推送).

A registry is a delimited text (CSV, tab-separated), JSON Lines or XLSX file with one enterprise
per row, as offices have it (rows.py: the header found below a title; encoding.py: UTF-8,
GB18030 or UTF-16; columns.py: headers by path, Chinese label or alias, unknown columns carried
through, totals rows skipped; values.py: values as typed in China). `run_batch` streams it through a
pool of worker processes, each with its own Advisor, and writes per enterprise the eligible
provisions (ids, titles, a push message), one row per enterprise x provision, bad rows with their
line numbers, and per-provision counts (outputs.py: Excel-ready, written atomically).
Other engines (Dask, Spark) screen blocks with screen.BlockScreener / screen.screen_rows.
"""

from .run import BatchSummary, run_batch
from .screen import BlockScreener, ChunkOutcome, ScreenOptions, screen_rows

__all__ = ["BatchSummary", "BlockScreener", "ChunkOutcome", "ScreenOptions", "run_batch", "screen_rows"]
