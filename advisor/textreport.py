"""A plain-text rendering of an assessment, for the terminal."""

from .checklist import material_line
from .present import DISCLAIMER, INFERRED_LABEL, STATUS_LABEL
from .text import Lang, tidy_cjk

STATUSES = ("eligible", "undetermined", "not_eligible")


def render_text(document: dict, lang: Lang, statuses: tuple[str, ...] = STATUSES) -> str:
    """The assessment JSON document (present.Presenter.assessment_dict) as readable text, with a group for
    each of `statuses` (all by default)."""
    zh = lang == "zh"
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
        lines.append(f"~ {item['label']}: {item['value_text']} ({INFERRED_LABEL[0 if zh else 1]})")
    if document["size_by_standard"]:
        lines.append(f"~ {document['size_by_standard']['text']}")
    for warning in document["warnings"]:
        lines.append(f"! {warning['path']}: {warning['message']}")
    for status in statuses:
        group = [f for f in document["findings"] if f["status"] == status]
        label = STATUS_LABEL[status][0 if zh else 1]
        lines.append(f"== {label} ({len(group)}) ==")
        for finding in group:
            lines.append(f"* {finding['title']} {finding['article']} [{finding['nature_text']}]")
            lines.append(f"    {finding['benefit']}")
            if finding["time_limit"]:
                lines.append(f"    {finding['time_limit']['text']}")
            lines.append(f"    「{tidy_cjk(finding['quote'])}」")
            for missing in finding["missing"]:
                lines.append(f"    ? {missing['label']} ({missing['field']})")
            for failing in finding["failing"]:
                yours = "您的情况" if zh else "yours"
                value = f" — {yours}: {failing['value_text']}" if "value_text" in failing else ""
                gap = f"; {failing['gap']['text']}" if "gap" in failing else ""
                lines.append(f"    x {failing['text']}{value}{gap}")
            offices = "、".join(o["name"] for o in finding["handled_by"] + finding["channels"]) if zh else \
                ", ".join(o["name"] for o in finding["handled_by"] + finding["channels"])
            lines.append(f"    {'办理' if zh else 'Where'}: {offices}")
        lines.append("")
    lines.extend(checklist_lines(document, zh))
    lines.append(DISCLAIMER[0 if zh else 1])
    return "\n".join(lines)


def checklist_lines(document: dict, zh: bool) -> list[str]:
    """The checklist: materials of the eligible provisions, then apart those only undetermined ones need."""
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

