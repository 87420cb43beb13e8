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
    "next": ("开始回答", "Start"),
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
    "checklist": ("材料清单", "Materials checklist"),
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
    "start_line": ("先选事项，再逐步回答：基本情况{n}个问题，约{m}分钟；每个事项另有几个问题。"
                   "匿名填写的回答不会被保存。",
                   "Tick topics, then answer step by step: {n} questions about the enterprise, about {m} minute(s), "
                   "plus a few per topic. Anonymous answers are not stored."),
    "n_questions": ("{n}个问题", "{n} questions"),
    "step_of": ("第{n}步，共{total}步", "Step {n} of {total}"),
    "back": ("返回上一步", "Back"),
    "continue": ("继续", "Continue"),
    "review_title": ("核对您的回答", "Check your answers"),
    "change": ("更改", "Change"),
    "nothing_answered": ("（本部分未回答）", "(nothing answered here)"),
    "conflict": ("请核对：您对“{gate}”回答了“否”，但填写了“{first}”等{n}项相关问题。"
                 "结果按您填写的内容评估，请确认是否有误。",
                 "Please check: you answered \"no\" to \"{gate}\" but answered \"{first}\" and {n} related "
                 "question(s) all the same. The results use what you entered; please make sure it is right."),
    "ask_title": ("回答这{n}个问题", "Answer these {n} questions"),
    "actions": ("操作", "Actions"),
    "answer_title": ("您可以享受", "What applies to you"),
    "more_eligible": ("另有{n}项可以享受的政策", "{n} more provisions that apply"),
    "basis_and_conditions": ("依据、条件与材料", "Basis, conditions and materials"),
    "go_to": ("办理：", "Where: "),
    "bring": ("带上：", "Bring: "),
    "ask_about": ("可以问：", "Ask: "),
    "list_sep": ("、", ", "),
    "near_title": ("差一点符合", "Nearly eligible"),
    "settle_title": ("还需确认的问题", "Questions that settle the most"),
    "settle": ("回答这{n}个问题", "Answer these {n} questions"),
    "next_steps": ("下一步", "Next steps"),
    "step_for": ("办理", "for "),
    "contact_fallback": ("地址、办公时间和电话：拨打96963“青羊区政务一号通”（24小时）"
                         "或到青羊区政务服务中心综合窗口咨询。",
                         "Address, opening hours and phone: call 96963, Qingyang's government hotline (24 hours), or "
                         "ask at a general window of the Qingyang District Government Service Centre."),
    "open_title": ("可能符合，需补充信息", "Possibly eligible: more information needed"),
    "open_more": ("其余{n}项", "{n} more"),
    "more_title": ("更多", "More"),
    "district_title": ("全区企业均可享受的服务", "Services every enterprise in the district has"),
    "open_other": ("其他可能相关的政策 ({n})", "Other provisions that may apply ({n})"),
    "checklist_none": ("目前没有确定需要准备的材料。", "No materials are needed yet."),
    "if_confirmed": ("如确认符合，还需", "If confirmed eligible, also"),
    "kind_fast_track": ("快速通道", "Fast track"),
    "kind_subsidy": ("资金补助", "Subsidy"),
    "kind_financing": ("融资", "Financing"),
    "kind_service": ("服务", "Service"),
    "badge_commitment": ("承诺{n}{unit}", "Committed: {n} {unit}"),
    "unit_working_days": ("个工作日", "working days"),
    "unit_working_hours": ("个工作小时", "working hours"),
    "unit_days": ("日", "days"),
    "badge_target": ("方案目标（{by}年底前）", "Plan target (by end of {by})"),
    "badge_target_undated": ("方案目标", "Plan target"),
    "badge_pilot": ("试点", "Pilot"),
    "badge_exploration": ("探索中，以部门答复为准", "Being explored: the department's answer decides"),
    "target_passed": ("方案所定目标期限已过，现行做法以承办部门为准", "The plan's target date has passed: the "
                      "department's current practice applies"),
    "plan_id_line": ("本建议依据《青羊区进一步优化营商环境实施方案》（{plan}），自{since}起施行。",
                     "This advice follows Qingyang's business-environment plan {plan}, in force from {since}."),
    "plan_currency": ("此后出台的营商环境方案可能已调整或替代部分措施，"
                      "现行做法请通过天府蓉易享、区政务服务中心或96963确认。",
                      "Later business-environment plans may have changed or replaced some measures: check what "
                      "applies today on Tianfu Rong Yi Xiang (天府蓉易享), at the district service centre or "
                      "on 96963."),
    "slip_eligible": ("可以享受", "Eligible"),
    "slip_staff": ("政策咨询意见书", "Advice slip"),
    "slip_open": ("待确认的问题", "Open questions"),
    "slip_window": ("咨询与办理窗口", "Where to ask"),
    "window_text": ("青羊区政务服务中心综合窗口；96963“青羊区政务一号通”（24小时）。地址和办公时间请以96963答复为准。",
                    "General windows of the Qingyang District Government Service Centre; 96963, Qingyang's "
                    "government hotline (24 hours). Ask 96963 for the address and opening hours."),
    "ref_no": ("编号", "Ref."),
    "applicant": ("申请人", "Applicant"),
    "advised_by": ("经办人", "Advised by"),
    "stamp": ("盖章", "Stamp"),
    "back_record": ("返回记录", "Back to the record"),
    "skip": ("跳到主要内容", "Skip to content"),
}


def translator(lang: Lang):  # type: ignore[no-untyped-def]
    """t(key, **values): the string in `lang`, formatted."""

    def t(key: str, **values: object) -> str:
        zh, en = STRINGS[key]
        text = zh if lang == "zh" else en
        return text.format(**values) if values else text

    return t
