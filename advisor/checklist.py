"""The materials checklist: what to bring for the provisions that apply, and apart, for those that may.

The one checklist builder: every output (pages, slips, API, CLI) shows the checklist built here.
Materials of eligible findings come first, de-duplicated; a material that has an alternative in
the catalog ("五方确认或第三方评估，其一即可") is one line with its alternatives. Materials needed only
by undetermined findings are listed apart ("如确认符合，还需"); not-eligible findings add nothing.
"""

from collections.abc import Iterable
from typing import Any, Literal

from .catalog import Catalog
from .findings import ChecklistItem, Finding
from .text import Lang

When = Literal["eligible", "if_confirmed"]


def build_checklist(findings: Iterable[Finding], catalog: Catalog) -> tuple[ChecklistItem, ...]:
    """The eligible findings' materials, then those only undetermined findings need, each once."""
    findings = list(findings)
    # (material, needed_by, when, alternatives), made ChecklistItems at the end.
    entries: list[tuple[str, list[str], When, tuple[str, ...]]] = []
    placed: dict[str, int] = {}  # material id (or an alternative of it) -> index in entries
    passes: tuple[tuple[When, str], ...] = (("eligible", "eligible"), ("if_confirmed", "undetermined"))
    for when, status in passes:
        for finding in findings:
            if finding.status != status:
                continue
            rule_id = finding.rule.id
            for material in finding.rule.spec.materials:
                index = placed.get(material)
                if index is not None:
                    entry = entries[index]
                    if entry[2] == when and rule_id not in entry[1]:
                        entry[1].append(rule_id)
                    continue
                alternatives = tuple(catalog.materials[material].alternative_to)
                placed[material] = len(entries)
                for other in alternatives:
                    placed.setdefault(other, len(entries))
                entries.append((material, [rule_id], when, alternatives))
    return tuple(ChecklistItem(material, tuple(needed_by), when, alternatives)
                 for material, needed_by, when, alternatives in entries)


def material_line(item: dict[str, Any], lang: Lang) -> str:
    """A checklist item of the document as one line, its alternatives joined ("A或B，其一即可")."""
    names = [item["name"], *(other["name"] for other in item.get("alternatives") or ())]
    if len(names) == 1:
        return names[0]
    return "或".join(names) + "，其一即可" if lang == "zh" else " or ".join(names) + " (either one)"
