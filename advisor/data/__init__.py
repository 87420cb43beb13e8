"""The plan, the catalog and the rule base, shipped inside the package (see pyproject.toml)."""
