"""What free text the database accepts: a length limit and no control characters or lone
surrogates (PostgreSQL refuses NUL; a lone surrogate cannot be encoded as UTF-8)."""


from ..messages import message_text


def text_problem(value: str, limit: int) -> tuple[str, str] | None:
    """Why `value` cannot be stored (zh, en), or None."""
    if len(value) > limit:
        text = message_text("text_too_long", n=limit)
    elif any((ord(char) < 32 and char not in "\t\n\r") or 0xD800 <= ord(char) <= 0xDFFF for char in value):
        text = message_text("text_control_character")
    else:
        return None
    return text.zh, text.en
