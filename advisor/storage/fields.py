"""What free text the database accepts: a length limit and no control characters or lone
surrogates (PostgreSQL refuses NUL; a lone surrogate cannot be encoded as UTF-8)."""


def text_problem(value: str, limit: int) -> tuple[str, str] | None:
    """Why `value` cannot be stored (zh, en), or None."""
    if len(value) > limit:
        return f"最多{limit}个字符", f"at most {limit} characters"
    if any((ord(char) < 32 and char not in "\t\n\r") or 0xD800 <= ord(char) <= 0xDFFF for char in value):
        return "含有不允许的控制字符", "contains a character that is not allowed"
    return None
