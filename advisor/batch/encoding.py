"""Which text encoding a registry file is in: UTF-8 (with or without BOM), else GB18030, else a guess.

Offices save CSV from Excel on Chinese Windows, which writes GB18030 (GBK); newer Excel writes
"CSV UTF-8" with a BOM. The whole file is checked once, before any row is screened, so a file
that cannot be decoded is refused once with the fix, never row by row. Only encodings in which
a newline byte is always a newline are accepted (so the file can be split into lines unread).
"""

import codecs
from pathlib import Path

from .errors import BatchInputError

_CHUNK = 16 * 1024 * 1024
_SAMPLE = 1024 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Line-safe encodings charset-normalizer may name for a Chinese registry (no UTF-16/32: "\n" is not one byte).
_GUESSABLE = {"big5", "gbk", "gb2312", "gb18030", "hz", "cp936", "cp950", "big5hkscs", "utf_8"}
FIX_ZH = "请另存为 CSV UTF-8 或使用 --encoding gb18030"
FIX_EN = "save it as 'CSV UTF-8' or pass --encoding gb18030"


def _decodes(path: Path, encoding: str, skip: int) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with path.open("rb") as stream:
        stream.seek(skip)
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _refuse(path: Path, why_en: str, why_zh: str) -> BatchInputError:
    return BatchInputError(f"{path.name}: {why_en}; {FIX_EN}", f"{path.name}：{why_zh}。{FIX_ZH}")


def detect_encoding(path: Path, forced: str | None = None) -> tuple[str, int]:
    """(Python codec name, bytes of BOM to skip) for a text registry file; BatchInputError if undecodable.

    `forced` (from --encoding) is checked over the whole file like a detected one.
    """
    with path.open("rb") as stream:
        head = stream.read(_SAMPLE)
    if head.startswith(_UTF16_BOMS):
        raise _refuse(path, "the file is UTF-16 ('Unicode text')", "文件为 UTF-16（“Unicode 文本”）格式")
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if forced:
        try:
            name = codecs.lookup(forced).name
        except LookupError:
            raise BatchInputError(f"unknown encoding {forced[:40]!r}; use utf-8 or gb18030",
                                  f"不认识的编码 {forced[:40]!r}，请使用 utf-8 或 gb18030") from None
        if not _decodes(path, name, bom if name == "utf-8" else 0):
            raise _refuse(path, f"the file is not valid {forced[:40]}", f"文件不是有效的 {forced[:40]} 编码")
        return name, bom if name == "utf-8" else 0
    if _decodes(path, "utf-8", bom):
        return "utf-8", bom
    if not bom and _decodes(path, "gb18030", 0):
        return "gb18030", 0
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is not None and best.encoding in _GUESSABLE and _decodes(path, best.encoding, 0):
        return best.encoding, 0
    raise _refuse(path, "the text encoding cannot be recognised (neither UTF-8 nor GB18030)",
                  "无法识别文件的文字编码（既不是 UTF-8 也不是 GB18030）")
