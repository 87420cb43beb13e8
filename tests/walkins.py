"""The four example walk-ins of the advice issues (17, 19), as self-check links: the topics they tick and
their answers (examples/*.json), the provision the ranking puts first, and what must be among the
first three cards (all of `first_three`, at least one of `first_three_any`)."""

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@dataclass(frozen=True)
class WalkIn:
    name: str
    example: str
    topics: tuple[str, ...]
    expected_first: str  # the rule the ranking puts at the top (README, "How the answer is ranked")
    first_three: tuple[str, ...] = ()  # each of these is among the first three cards
    first_three_any: tuple[str, ...] = ()  # at least one of these is among the first three cards

    @property
    def profile(self) -> dict:
        return json.loads((EXAMPLES / f"{self.example}.json").read_text(encoding="utf-8"))

    def answers(self) -> list[tuple[str, str]]:
        """The profile as form answers (yes/no as true/false, the rest as typed)."""
        pairs = []
        for section, values in self.profile.items():
            for name, value in values.items():
                text = ("true" if value else "false") if isinstance(value, bool) else str(value)
                pairs.append((f"{section}.{name}", text))
        return pairs

    def query(self) -> str:
        return urlencode([("topic", topic) for topic in self.topics] + self.answers())


WALK_INS = (
    WalkIn("warehouse", "warehouse-1200", ("project",), "list-commitment-80-days",
           first_three=("simple-low-risk-20-days", "joint-acceptance-small-industrial")),
    WalkIn("ip-pledge", "tech-ip-financing", ("finance", "ip", "innovation"), "invention-patent-annual-fee-subsidy",
           first_three_any=("invention-patent-annual-fee-subsidy", "ip-pledge-loan-interest")),
    WalkIn("foreign-staff", "foreign-talent", ("foreign", "talent"), "residence-permit-7-days"),
    WalkIn("start-up", "startup", ("company",), "address-declaration-registration"),
)
