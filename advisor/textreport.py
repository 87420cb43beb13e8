"""A plain-text rendering of an assessment, for the terminal: the answer first, as the pages show it."""

from typing import Any

from .checklist import material_line
from .present import DISCLAIMER, INFERRED_LABEL, STATUS_LABEL
from .text import Lang, tidy_cjk

STATUSES = ("eligible", "undetermined", "not_eligible")
_LIKELY = ("若部门确认", "If a department confirms")
_DISTRICT = ("全区企业均可享受的服务", "Services every enterprise in the district has")
_OTHER = ("其他事项中可以享受的", "Also applies, for topics you did not ask about")
_ROUTES = ("满足", "Met by")
_WHERE = ("办理", "Where")
_YOURS = ("您的情况", "yours")
_QUOTE = ("", "The plan's words (Chinese original): ")


def render_text(document: dict, lang: Lang, statuses: tuple[str, ...] = STATUSES) -> str:
    """The assessment JSON document (present.Presenter.assessment_dict) as readable text: its answer's
    cards, then what may apply, then what does not, each group only if its status is in `statuses`."""
    zh = lang == "zh"
    pick = 0 if zh else 1
    by_id = {finding["id"]: finding for finding in document["findings"]}
    answer = document["answer"]
    lines = [
        ("青羊惠企政策顾问 · 评估结果" if zh else "Qingyang Enterprise Policy Advisor: assessment"),
        f"{'规则库版本' if zh else 'Rule base'} {document['rulebase_version']} · "
        f"{'评估日期' if zh else 'as of'} {document['as_of']}",
        "",
    ]
    plan = document["plan"]
    lines.append(f"[{plan['id']}] {plan['notice'][lang]}")
    lines.append("")
    for item in document["inferred"]:
        lines.append(f"~ {item['label']}: {item['value_text']} ({INFERRED_LABEL[pick]})")
    if document["size_by_standard"]:
        lines.append(f"~ {document['size_by_standard']['text']}")
    for warning in document["warnings"]:
        lines.append(f"! {warning['path']}: {warning['message']}")
    cards = [card for card in answer["cards"] if card["provisions"][0] in by_id]
    if "eligible" in statuses:
        lines.append(f"== {STATUS_LABEL['eligible'][pick]} ({answer['eligible']}) ==")
        lines.append(answer["text"])
        for card in cards:
            if card["status"] == "eligible":
                lines.extend(_card_lines([by_id[rule] for rule in card["provisions"] if rule in by_id], zh))
        lines.append("")
        for title, ids in ((_DISTRICT, answer["district"]), (_OTHER, answer["other"])):
            if ids:
                lines.append(f"== {title[pick]} ({len(ids)}) ==")
                lines.extend(f"* {by_id[rule]['title']}" for rule in ids if rule in by_id)
                lines.append("")
    if "undetermined" in statuses:
        likely = [card for card in cards if card["status"] == "likely"]
        if likely:
            lines.append(f"== {_LIKELY[pick]} ({len(likely)}) ==")
            for card in likely:
                lines.extend(_card_lines([by_id[card["provisions"][0]]], zh))
            lines.append("")
        group = [by_id[rule] for rule in answer["open"] if rule in by_id]
        lines.append(f"== {STATUS_LABEL['undetermined'][pick]} ({len(group)}) ==")
        for finding in group:
            lines.extend(_card_lines([finding], zh))
        lines.append("")
    if "not_eligible" in statuses:
        group = [by_id[rule] for rule in answer["not_met"] if rule in by_id]
        lines.append(f"== {STATUS_LABEL['not_eligible'][pick]} ({answer['not_eligible']}) ==")
        for finding in group:
            lines.extend(_card_lines([finding], zh))
        lines.append("")
    lines.extend(checklist_lines(document, zh))
    lines.append(DISCLAIMER[pick])
    return "\n".join(lines)


def _card_lines(findings: list[dict[str, Any]], zh: bool) -> list[str]:
    """One card: the first provision in full; the others that give the same benefit named as routes."""
    pick = 0 if zh else 1
    finding = findings[0]
    lines = [f"* {finding['title']} {finding['article']} [{finding['nature_text']}]", f"    {finding['benefit']}"]
    if len(findings) > 1:
        routes = "；".join(f["title"] for f in findings) if zh else "; ".join(f["title"] for f in findings)
        lines.append(f"    {_ROUTES[pick]}: {routes}")
    if finding["time_limit"]:
        lines.append(f"    {finding['time_limit']['text']}")
    lines.append(f"    {_QUOTE[pick]}「{tidy_cjk(finding['quote'])}」")
    for missing in finding["missing"]:
        lines.append(f"    ? {missing['label']} ({missing['field']})")
    for failing in finding["failing"]:
        value = f" — {_YOURS[pick]}: {failing['value_text']}" if "value_text" in failing else ""
        gap = f"; {failing['gap']['text']}" if "gap" in failing else ""
        lines.append(f"    x {failing['text']}{value}{gap}")
    offices = ("、" if zh else ", ").join(o["name"] for o in finding["handled_by"] + finding["channels"])
    lines.append(f"    {_WHERE[pick]}: {offices}")
    return lines


def checklist_lines(document: dict, zh: bool) -> list[str]:
    """The checklist: materials of what applies, then apart those only a department's confirmation needs."""
    lines: list[str] = []
    for when, title in (("eligible", ("== 材料清单 ==", "== Materials checklist ==")),
                        ("if_confirmed", ("== 如确认符合，还需 ==", "== If confirmed eligible, also =="))):
        items = [item for item in document["checklist"] if item["when"] == when]
        if not items:
            continue
        lines.append(title[0] if zh else title[1])
        for item in items:
            lines.append(f"- {material_line(item, 'zh' if zh else 'en')} [{item['basis']['text']}]")
        lines.append("")
    return lines
