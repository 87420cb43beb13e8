"""Package data: the catalog and the rule base (mapped from catalog/ and rules/ in pyproject.toml)."""
