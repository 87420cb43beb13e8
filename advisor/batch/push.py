"""The 精准推送 text: per enterprise, a Chinese message of at most 300 characters naming what it may
claim and where, as a district would send it by SMS or the 蓉易享 push list.

    【青羊区惠企政策提示】某某科技有限公司：经与青委办字〔2020〕55号（2020年起施行）初步比对，
    贵企业可能可享受：①网上立案（第二十七项，青羊区人民法院）；②…等5项。方案已施行多年，请以
    现行政策为准，详询区政务服务中心或96963。

Provisions are listed in rule-base order until the next would pass the limit; the rest are
counted ("等N项"). An enterprise with nothing eligible gets no message (an empty cell).
"""

from ..catalog import PLAN_ID, article_numeral
from ..messages import message
from ..rulebase import RuleBase

MAX_CHARS = 300
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


class PushMessages:
    """Writes the push message of an enterprise from its eligible provision ids."""

    def __init__(self, rulebase: RuleBase) -> None:
        offices = rulebase.catalog.offices
        self.items: dict[str, str] = {}
        for rule in rulebase.rules.values():
            spec = rule.spec
            where = message("value_list_sep", "zh").join(offices[office].name.zh for office in spec.handled_by[:1])
            article = article_numeral(spec.article)
            self.items[rule.id] = message("push_item", "zh", title=spec.title.zh, article=article, where=where)
        self.tail = message("push_tail", "zh")

    def message(self, name: str | None, eligible: tuple[str, ...]) -> str:
        """The message for an enterprise called `name` (None: 贵企业) eligible for `eligible`."""
        if not eligible:
            return ""
        who = (name or "").strip()[:40] or message("push_you", "zh")
        head = message("push_head", "zh", who=who, plan=PLAN_ID)
        counted = message("push_more", "zh", n=len(eligible))
        listed: list[str] = []
        for index, rule_id in enumerate(eligible):
            mark = _CIRCLED[index] if index < len(_CIRCLED) else f"({index + 1})"
            item = mark + self.items[rule_id]
            used = len(head) + sum(len(done) + 1 for done in listed) + len(item) + len(counted) + len(self.tail)
            if listed and used > MAX_CHARS:
                break
            listed.append(item)
        count = counted if len(listed) < len(eligible) else ""
        text = head + message("push_sep", "zh").join(listed) + count + self.tail
        return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"
