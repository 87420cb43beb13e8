"""A plain-text rendering of an assessment, for the terminal: the answer first, as the pages show it."""

from typing import Any

from .checklist import material_line
from .messages import message
from .text import Lang, tidy_cjk

STATUSES = ("eligible", "undetermined", "not_eligible")


def render_text(document: dict, lang: Lang, statuses: tuple[str, ...] = STATUSES) -> str:
    """The assessment JSON document (present.Presenter.assessment_dict) as readable text: its answer's
    cards, then what may apply, then what does not, each group only if its status is in `statuses`."""
    by_id = {finding["id"]: finding for finding in document["findings"]}
    answer = document["answer"]
    lines = [message("report_title", lang),
             message("report_version", lang, version=document["rulebase_version"], as_of=document["as_of"]), ""]
    plan = document["plan"]
    lines.append(f"[{plan['id']}] {plan['notice'][lang]}")
    lines.append("")
    for item in document["inferred"]:
        lines.append(f"~ {item['label']}: {item['value_text']} ({message('inferred_label', lang)})")
    if document["size_by_standard"]:
        lines.append(f"~ {document['size_by_standard']['text']}")
    for warning in document["warnings"]:
        lines.append(f"! {warning['path']}: {warning['message']}")
    cards = [card for card in answer["cards"] if card["provisions"][0] in by_id]
    if "eligible" in statuses:
        lines.append(f"== {message('status_label_eligible', lang)} ({answer['eligible']}) ==")
        lines.append(answer["text"])
        for card in cards:
            if card["status"] == "eligible":
                lines.extend(_card_lines([by_id[rule] for rule in card["provisions"] if rule in by_id], lang))
        lines.append("")
        for title, ids in (("report_district", answer["district"]), ("report_other", answer["other"])):
            if ids:
                lines.append(f"== {message(title, lang)} ({len(ids)}) ==")
                lines.extend(f"* {by_id[rule]['title']}" for rule in ids if rule in by_id)
                lines.append("")
    if "undetermined" in statuses:
        likely = [card for card in cards if card["status"] == "likely"]
        if likely:
            lines.append(f"== {message('report_likely', lang)} ({len(likely)}) ==")
            for card in likely:
                lines.extend(_card_lines([by_id[card["provisions"][0]]], lang))
            lines.append("")
        group = [by_id[rule] for rule in answer["open"] if rule in by_id]
        lines.append(f"== {message('status_label_undetermined', lang)} ({len(group)}) ==")
        for finding in group:
            lines.extend(_card_lines([finding], lang))
        lines.append("")
    if "not_eligible" in statuses:
        group = [by_id[rule] for rule in answer["not_met"] if rule in by_id]
        lines.append(f"== {message('status_label_not_eligible', lang)} ({answer['not_eligible']}) ==")
        for finding in group:
            lines.extend(_card_lines([finding], lang))
        lines.append("")
    lines.extend(checklist_lines(document, lang))
    lines.append(message("disclaimer", lang))
    return "\n".join(lines)


def _card_lines(findings: list[dict[str, Any]], lang: Lang) -> list[str]:
    """One card: the first provision in full; the others that give the same benefit named as routes."""
    finding = findings[0]
    lines = [f"* {finding['title']} {finding['article']} [{finding['nature_text']}]", f"    {finding['benefit']}"]
    if len(findings) > 1:
        routes = message("report_routes_sep", lang).join(f["title"] for f in findings)
        lines.append(f"    {message('report_routes', lang, routes=routes)}")
    if finding["time_limit"]:
        lines.append(f"    {finding['time_limit']['text']}")
    lines.append(f"    {message('report_quote', lang, quote=tidy_cjk(finding['quote']))}")
    for missing in finding["missing"]:
        lines.append(f"    ? {missing['label']} ({missing['field']})")
    for failing in finding["failing"]:
        value = f" — {message('report_yours', lang)}: {failing['value_text']}" if "value_text" in failing else ""
        gap = f"; {failing['gap']['text']}" if "gap" in failing else ""
        lines.append(f"    x {failing['text']}{value}{gap}")
    offices = message("value_list_sep", lang).join(o["name"] for o in finding["handled_by"] + finding["channels"])
    lines.append(f"    {message('report_where', lang, offices=offices)}")
    return lines


def checklist_lines(document: dict, lang: Lang) -> list[str]:
    """The checklist: materials of what applies, then apart those only a department's confirmation needs."""
    lines: list[str] = []
    for when, title in (("eligible", "report_checklist"), ("if_confirmed", "report_if_confirmed")):
        items = [item for item in document["checklist"] if item["when"] == when]
        if not items:
            continue
        lines.append(message(title, lang))
        for item in items:
            lines.append(f"- {material_line(item, lang)} [{item['basis']['text']}]")
        lines.append("")
    return lines
