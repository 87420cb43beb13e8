"""A JSON response encoded by orjson: an assessment is ~250 KB, and the standard
encoder spends more time on it (≈5 ms) than the advisor does assessing (≈1.5 ms)."""

import json
from typing import Any

from starlette.responses import JSONResponse

try:
    import orjson
except ImportError:  # optional speed-up; the output is the same JSON
    orjson = None  # type: ignore[assignment]


class FastJSONResponse(JSONResponse):
    """application/json, UTF-8, encoded by orjson if available, else by the standard library."""

    def render(self, content: Any) -> bytes:
        if orjson is not None:
            return orjson.dumps(content)
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
