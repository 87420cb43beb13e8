"""Simulating a reform over a registry: who would gain, who would lose (advisor/reform.py for reforms)."""

from .run import FILES, SimulationSummary, run_simulation

__all__ = ["FILES", "SimulationSummary", "run_simulation"]
