"""The materials checklist: what to bring for what applies, and apart, for what applies if confirmed.

The one checklist builder: every output (pages, slips, API, CLI) shows the checklist built here,
from the arranged answer (advisor.arrange): materials of the provisions that apply to the topics
asked about, in the answer's order, once each; a material that has an alternative in the catalog
("五方确认或第三方评估，其一即可") is one line with its alternatives. Materials of a provision that
applies if a department confirms a classification are listed apart ("如确认符合，还需"). Nothing of a
provision the enterprise did not ask about, may not meet, or has not said it has (an award it did
not claim) enters the list.
"""

from collections.abc import Mapping
from typing import Any, Literal

from .arrange import Arrangement
from .catalog import Catalog
from .findings import ChecklistItem
from .messages import message
from .rulebase import Rule
from .text import Lang

When = Literal["eligible", "if_confirmed"]


def build_checklist(rules: Mapping[str, Rule], catalog: Catalog, answer: Arrangement) -> tuple[ChecklistItem, ...]:
    """The materials of the answer's cards that apply, then those only its likely cards need, each once
    (`rules`: the rule base's rules by id, which the cards name)."""
    # (material, needed_by, when, alternatives), made ChecklistItems at the end.
    entries: list[tuple[str, list[str], When, tuple[str, ...]]] = []
    placed: dict[str, int] = {}  # material id (or an alternative of it) -> index in entries
    for when, likely in (("eligible", False), ("if_confirmed", True)):
        for card in answer.cards:
            if card.likely != likely:
                continue
            for rule_id in card.provisions:
                rule = rules.get(rule_id)
                if rule is None:  # a card of another rule base's version names what this one lacks
                    continue
                for material in rule.spec.materials:
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
    return message("material_either", lang, first=message("material_or", lang).join(names[:-1]), second=names[-1])
