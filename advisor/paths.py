"""Where the project's data lives: the catalog and the rule base, beside this package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "catalog"
RULES_DIR = ROOT / "rules"
PLAN_TEXT = CATALOG_DIR / "plan.txt"
