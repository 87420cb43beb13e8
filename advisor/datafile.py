"""Loading YAML data files into pydantic models, failing loudly with file and field."""

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DataFileError(ValueError):
    """A data file is missing, malformed, or does not fit its model."""


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error names the file."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(f"{path}: {error}") from error


def load_model(path: Path, model: type[M]) -> M:
    """Validate a YAML file against `model`; every error names the file and the field path."""
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        lines = [f"{path}: {len(error.errors())} error(s)"]
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            lines.append(f"  {where}: {item['msg']}")
        raise DataFileError("\n".join(lines)) from error
