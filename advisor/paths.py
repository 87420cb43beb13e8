"""Where the project's data lives: the catalog and the rule base, shipped as package data.

In a checkout they are the top-level `catalog/` and `rules/` folders; pyproject.toml maps them to the
packages `advisor.data.catalog` and `advisor.data.rules`, so an installed wheel carries them too.
"""

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    # Regular packages on a file system (wheels are installed unzipped) give a real Path.
    return Path(str(resources.files(package)))


CATALOG_DIR = _folder("advisor.data.catalog")
RULES_DIR = _folder("advisor.data.rules")
PLAN_TEXT = CATALOG_DIR / "plan.txt"
