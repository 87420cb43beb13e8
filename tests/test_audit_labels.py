"""Every action the audit log records has a name in both languages on the log page (not its code)."""

import re
from pathlib import Path

from advisor.messages import load_messages

ROOT = Path(__file__).resolve().parents[1]
RECORDED = re.compile(r'audit\.record\([^,]+,\s*(?:"(\w+)"(?:\s+if\s+\w+\s+else\s+"(\w+)")?)')


def test_each_recorded_action_has_a_label_in_both_languages() -> None:
    actions = set()
    for path in [*ROOT.glob("advisor/**/*.py"), *ROOT.glob("web/**/*.py")]:
        for match in RECORDED.finditer(path.read_text(encoding="utf-8")):
            actions.update(name for name in match.groups() if name)
    assert {"login", "export", "staff_activate", "staff_deactivate", "apikey_revoke"} <= actions  # the scan works
    for action in actions:
        entry = load_messages()[f"audit_{action}"]
        zh, en = entry.zh, entry.en
        assert re.search(r"[\u4e00-\u9fff]", zh) and en and en != action
