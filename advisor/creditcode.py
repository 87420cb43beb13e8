"""统一社会信用代码 (unified social credit code) checks per GB 32100-2015.

A malformed code is an error; a code whose check character does not match is only a warning,
because some real early pilot codes fail the checksum (research notes, section 8).
"""

import re

from .messages import message_text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# Spaces as people type or paste them (ASCII, no-break, ideographic): dropped wherever they are.
_SPACES = str.maketrans("", "", " \u00a0\u3000")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# What normalise() turns into a well-formed code, as a JSON Schema pattern (the same in ECMA and Python regexes).
_SPACE = r"[ \u00a0\u3000]*"
_CHAR = "[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]"
PATTERN = rf"^{_SPACE}({_CHAR}{_SPACE}){{2}}([0-9]{_SPACE}){{6}}({_CHAR}{_SPACE}){{10}}$"


def normalise(code: str) -> str:
    """Drop spaces and upper-case the (ASCII) letters."""
    return code.translate(_SPACES).translate(_UPPER)


def format_error(code: str) -> tuple[str, str] | None:
    """Why `code` is not a well-formed credit code, as (zh, en), or None when its format is right."""
    if len(code) != 18:
        text = message_text("credit_code_length", n=len(code))
    elif not _FORMAT.match(code):
        bad = "".join(sorted({ch for ch in code if ch not in ALPHABET}))
        text = message_text("credit_code_characters", bad=bad) if bad else message_text("credit_code_region")
    else:
        return None
    return text.zh, text.en


def check_character(code: str) -> str:
    """The check character (18th) that the first 17 characters call for."""
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(code[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def checksum_ok(code: str) -> bool:
    """Whether a well-formed code's 18th character matches its checksum."""
    return check_character(code) == code[17]
