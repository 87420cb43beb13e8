"""(a) the engine alone and (b) the full explained assessment, each beside the plain-Python reference."""

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Any

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.profile import answers, parse_profile
from advisor.synth import ProfileFactory

from .reference import Reference


@dataclass(frozen=True)
class Timing:
    """Median and p99 of one measurement and of the reference, in milliseconds."""

    name: str
    count: int
    median_ms: float
    p99_ms: float
    reference_median_ms: float
    reference_p99_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.reference_median_ms


def _summary(samples_ns: list[int]) -> tuple[float, float]:
    ordered = sorted(samples_ns)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) / 1e6, p99 / 1e6


def _prepared(advisor: Advisor, count: int, seed: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(raw profile, its flat answers as the engine and the reference take them) for `count` profiles."""
    return [(raw, answers(parse_profile(raw))) for raw in ProfileFactory(advisor.rulebase, seed).profiles(count)]


def measure(count: int, seed: int = 1) -> tuple[list[Timing], int]:
    """Time (a) and (b) over `count` synthetic profiles; returns the timings and the verified sample size.

    Raises AssertionError if the reference's eligible set differs from the engine's fired set
    on any profile (the comparison would then be meaningless).
    """
    advisor = Advisor()
    presenter = Presenter(advisor.rulebase)
    reference = Reference(advisor.rulebase)
    profiles = _prepared(advisor, count, seed)
    for _, flat in profiles[:200]:  # warm-up
        advisor.engine.evaluate(flat)
        reference.evaluate(flat)
    gc.freeze()  # as the server does after start-up: long-lived objects out of the collector's way
    clock = time.perf_counter_ns
    engine_ns, reference_ns = [], []
    for raw, flat in profiles:
        start = clock()
        fired = advisor.engine.evaluate(flat).fired
        middle = clock()
        eligible = reference.evaluate(flat)
        end = clock()
        engine_ns.append(middle - start)
        reference_ns.append(end - middle)
        if eligible != fired:
            raise AssertionError(f"reference and engine disagree on {raw}: {sorted(eligible ^ fired)}")
    # (b) the explained assessment: validation, engine, explainer (reasons, unknowns, gaps), checklist;
    # then encoding it as the API sends it, the full or compact JSON document. The reference is the same
    # input path: raw -> validated -> the rules in plain Python.
    stages = {"(b) explained assessment": lambda raw: advisor.assess_data(raw),
              "(b+) … rendered as the full document": lambda raw: presenter.assessment_json(
                  advisor.assess_data(raw), "zh"),
              "(b+) … rendered as the expanded document": lambda raw: presenter.expanded_json(
                  advisor.assess_data(raw), "zh"),
              "(b+) … rendered as the compact document": lambda raw: presenter.compact_json(
                  advisor.assess_data(raw), "zh")}
    measured: dict[str, list[int]] = {name: [] for name in stages}
    reference_full_ns = []
    for raw, _ in profiles:
        for name, stage in stages.items():
            start = clock()
            stage(raw)
            measured[name].append(clock() - start)
        start = clock()
        reference.evaluate(answers(parse_profile(raw)))
        reference_full_ns.append(clock() - start)
    timings = []
    runs = [("(a) engine alone", engine_ns, reference_ns),
            *((name, samples, reference_full_ns) for name, samples in measured.items())]
    for name, samples, ref in runs:
        median, p99 = _summary(samples)
        ref_median, ref_p99 = _summary(ref)
        timings.append(Timing(name, len(samples), median, p99, ref_median, ref_p99))
    return timings, len(profiles)
