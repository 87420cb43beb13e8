"""The three example walk-ins of the advice issue, as self-check links: the topics they tick and
their answers (examples/*.json), with the provision a reader of the plan expects first."""

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
    expected_first: str  # the rule a reader of the plan expects at the top

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
    WalkIn("warehouse", "warehouse-1200", ("project",), "joint-acceptance-small-industrial"),
    WalkIn("ip-pledge", "tech-ip-financing", ("finance", "ip", "innovation"), "ip-pledge-loan-interest"),
    WalkIn("foreign-staff", "foreign-talent", ("foreign", "talent"), "residence-permit-7-days"),
)
