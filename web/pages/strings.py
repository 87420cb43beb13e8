"""The pages' own words, Chinese first. Texts about the plan come from the catalog, not from here."""

from advisor.text import Lang

STRINGS: dict[str, tuple[str, str]] = {
    "app": ("青羊惠企政策顾问", "Qingyang Policy Advisor"),
    "tagline": ("对照《青羊区进一步优化营商环境实施方案》（青委办字〔2020〕55号），看看企业可以享受哪些政策。",
                "Check which measures of Qingyang's business-environment plan (青委办字〔2020〕55号) apply to your "
                "enterprise."),
    "switch": ("English", "中文"),
    "plan_browser": ("浏览方案条款", "Browse the plan"),
    "api_docs": ("接口文档", "API docs"),
    "start_q": ("您在计划做什么？", "What are you planning?"),
    "start_help": ("勾选相关事项，表单只显示需要的问题。可以不勾选，只回答企业基本情况。",
                   "Tick what applies; the form then asks only what those need. You may tick nothing and answer "
                   "only about the enterprise."),
    "next": ("下一步：填写情况", "Next: answer the questions"),
    "form_title": ("填写企业情况", "About your enterprise"),
    "form_help": ("每个问题都可以跳过；未回答的问题视为“不确定”，不会当作“否”。",
                  "Every question may be skipped; an unanswered question counts as unknown, never as no."),
    "change_topics": ("更改事项", "Change topics"),
    "submit": ("查看结果", "See the results"),
    "yes": ("是", "Yes"), "no": ("否", "No"), "unsure": ("不确定", "Not sure"),
    "choose": ("（不确定/未选择）", "(not sure / not chosen)"),
    "term": ("方案用语", "The plan's term"),
    "please_answer": ("请回答", "Please answer"),
    "errors_title": ("有{n}处需要修改", "{n} answer(s) need correcting"),
    "results_title": ("评估结果", "Results"),
    "as_of": ("评估日期", "Assessed for"),
    "version": ("规则库版本", "Rule-base version"),
    "eligible_none": ("根据目前的回答，还没有确定可以享受的政策。",
                      "From your answers so far, no measure is certain yet."),
    "settle": ("回答这{n}个问题，可确定{m}项政策是否适用", "Answer these {n} questions to settle {m} provisions"),
    "settles": ("可确定{k}项", "settles {k}"),
    "show_undetermined": ("查看全部{n}项待确定的政策", "Show all {n} undetermined provisions"),
    "show_not": ("查看{n}项暂不符合的政策及原因", "Show the {n} provisions not met, and why"),
    "missing": ("还需回答", "Still to answer"),
    "benefit": ("可以获得", "What you get"),
    "time": ("办理时限", "Time limit"),
    "why": ("为什么", "Why"),
    "conditions": ("条件", "Conditions"),
    "your_value": ("您的回答", "Your answer"),
    "source": ("依据", "Basis"),
    "where": ("在哪里办理", "Where to apply"),
    "materials": ("所需材料", "Materials"),
    "notes": ("说明", "Notes"),
    "failing": ("不符合的条件", "Condition not met"),
    "checklist": ("材料清单（合并）", "Materials checklist (merged)"),
    "needed_by": ("用于", "For"),
    "print": ("打印建议单", "Print the advice slip"),
    "print_now": ("打印", "Print"),
    "back_results": ("返回结果", "Back to the results"),
    "save_link": ("保存本结果的链接", "Link to these results"),
    "save_help": ("收藏或复制此链接，可随时重新打开本次结果（回答保存在链接中）。",
                  "Bookmark or copy this link to reopen these results (the answers are in the link)."),
    "download": ("下载JSON", "Download JSON"),
    "edit": ("修改回答", "Change the answers"),
    "slip": ("政策咨询建议单", "Advice slip"),
    "citations": ("引用条款", "Citations"),
    "article": ("方案第{a}条", "Article {a} of the plan"),
    "met": ("满足", "met"), "failed": ("不满足", "not met"), "unknown": ("未知", "unknown"),
    "plan_title": ("方案条款与对应规则", "The plan's articles and the rules that encode them"),
    "rules_for": ("对应规则", "Rules encoding this article"),
    "no_rules": ("本条无面向企业的可判断规则。", "No enterprise-facing rule encodes this article."),
    "skip": ("跳到主要内容", "Skip to content"),
}


def translator(lang: Lang):  # type: ignore[no-untyped-def]
    """t(key, **values): the string in `lang`, formatted."""

    def t(key: str, **values: object) -> str:
        zh, en = STRINGS[key]
        text = zh if lang == "zh" else en
        return text.format(**values) if values else text

    return t
