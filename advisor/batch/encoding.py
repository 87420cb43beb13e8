"""Which text encoding a registry file is in: UTF-8, GB18030 or UTF-16, found once for the whole file.

Offices save text from Excel on Chinese Windows in one of three ways: "CSV" (GB18030, i.e. GBK),
"CSV UTF-8" (UTF-8 with a BOM) and "Unicode text" (UTF-16 LE with a BOM, tab-separated). So:
- a BOM decides (UTF-8, UTF-16 LE or BE);
- without one, a sample in which NUL bytes are frequent and nearly all on one side of each byte
  pair is UTF-16 (LE or BE by that side: ASCII text in UTF-16 is every other byte NUL);
- otherwise the whole file is decoded as UTF-8, then as GB18030, line by line. An encoding in
  which every line decodes is the file's; failing that, one in which the damaged lines are few
  beside the Chinese text that decodes (at most one line per DAMAGE_RATIO multi-byte
  characters' bytes), since one invalid byte sequence costs its line, not the file (formats.py
  fails that line alone, naming the byte); then charset-normalizer's guess among the line-safe
  encodings; then UTF-8 if its damaged lines are at most one in ten (text that is nearly all ASCII).
- A file in none of these is refused once, naming the encoding it most looks like, never row by
  row. `forced` (--encoding) is checked the same way.
"""

import codecs
from dataclasses import dataclass
from pathlib import Path

from .errors import BatchInputError
from .rows import Problem

_CHUNK = 16 * 1024 * 1024
_SAMPLE = 1024 * 1024
DAMAGE_RATIO = 20
_GIVE_UP = 100  # damaged lines after which a scan that does not fit stops early
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Line-safe encodings charset-normalizer may name for a Chinese registry ("\n" is one byte in each
# and never inside a character, so the file can be split into lines unread).
_GUESSABLE = {"big5", "gbk", "gb2312", "gb18030", "hz", "cp936", "cp950", "big5hkscs", "utf_8"}


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """A registry's encoding: the Python codec, and the bytes of byte-order mark to skip."""

    codec: str
    skip: int = 0

    @property
    def newline(self) -> bytes:
        """A line break in this encoding (two bytes in UTF-16)."""
        return "\n".encode(self.codec)


@dataclass(slots=True)
class _Scan:
    """How a file decodes in one encoding: lines, damaged lines, and bytes beyond one per character."""

    lines: int = 0
    damaged: int = 0
    multibyte: int = 0

    def fits(self) -> bool:
        """Every line decodes, or the damaged ones are few beside the text that decodes."""
        return self.damaged == 0 or self.damaged * DAMAGE_RATIO <= self.multibyte

    def rare(self) -> bool:
        return self.damaged * 10 <= self.lines


def _scan_text(data: bytes, codec: str, scan: _Scan) -> None:
    """Decode whole lines of `data`, counting those that do not decode (fast when all do)."""
    if not data:
        return
    scan.lines += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        try:
            scan.multibyte += len(data) - pos - len(str(view[pos:], codec))
            return
        except UnicodeDecodeError as error:
            at = pos + error.start
            start = data.rfind(b"\n", pos, at) + 1 or pos
            if start > pos:
                scan.multibyte += start - pos - len(str(view[pos:start], codec))
            scan.damaged += 1
            end = data.find(b"\n", at)
            pos = len(data) if end < 0 else end + 1
            if scan.damaged > _GIVE_UP and not scan.fits():
                return


def _scan(path: Path, codec: str, skip: int = 0) -> _Scan:
    scan = _Scan()
    carry = b""
    with path.open("rb") as stream:
        stream.seek(skip)
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk if carry else chunk
            cut = (data.rfind(b"\n") + 1 or len(data)) if chunk else len(data)
            _scan_text(data[:cut], codec, scan)
            carry = data[cut:]
            if not chunk or (scan.damaged > _GIVE_UP and not scan.fits()):
                return scan


def _utf16_order(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for a sample that reads as UTF-16 without a BOM, else None."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if (even + odd) * 20 < len(head) or len(head) < 4:  # under 5 % NUL: not UTF-16 text
        return None
    if odd > 9 * even:
        return "utf-16-le"
    if even > 9 * odd:
        return "utf-16-be"
    return None


def suspected(head: bytes) -> str | None:
    """The encoding a sample most looks like (charset-normalizer's guess, UTF-16 first), or None."""
    order = _utf16_order(head)
    if order:
        return order
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return codecs.lookup(best.encoding).name if best is not None else None


def _readable(codec: str) -> bool:
    """Whether a file in this encoding can be read line by line (a line break is "\\n", or UTF-16's)."""
    return codec.startswith("utf-16") or "\n".encode(codec) == b"\n"


def _refuse(path: Path, why_en: str, why_zh: str, guess: str | None) -> BatchInputError:
    if guess and _readable(guess):
        hint_en = f"it looks like {guess}: pass --encoding {guess}, or save it as 'CSV UTF-8'"
        hint_zh = f"文件看起来是 {guess} 编码：请使用 --encoding {guess}，或另存为 CSV UTF-8"
    elif guess:
        hint_en = f"it looks like {guess}, which cannot be read line by line: save it as 'CSV UTF-8'"
        hint_zh = f"文件看起来是 {guess} 编码，无法逐行读取：请另存为 CSV UTF-8"
    else:
        hint_en = "save it as 'CSV UTF-8', or pass --encoding with its encoding"
        hint_zh = "请另存为 CSV UTF-8，或用 --encoding 指明其编码"
    return BatchInputError(f"{path.name[:80]}: {why_en}; {hint_en}", f"{path.name[:80]}：{why_zh}。{hint_zh}")


def _forced(path: Path, forced: str, head: bytes) -> TextEncoding:
    try:
        codec = codecs.lookup(forced).name
    except LookupError:
        raise BatchInputError(f"unknown encoding {forced[:40]!r}; use utf-8, gb18030 or utf-16",
                              f"不认识的编码 {forced[:40]!r}，请使用 utf-8、gb18030 或 utf-16") from None
    bom = next((len(mark) for mark, name in _BOMS if head.startswith(mark) and name.startswith(codec)), 0)
    if codec == "utf-16":  # the byte order from the BOM, else from the text
        codec = next((name for mark, name in _BOMS[1:] if head.startswith(mark)), None) \
            or _utf16_order(head) or "utf-16-le"
    if codec.startswith("utf-16"):
        return TextEncoding(codec, bom)
    if not _readable(codec):
        raise BatchInputError(f"encoding {forced[:40]!r} cannot be read line by line; use utf-8, gb18030 or utf-16",
                              f"编码 {forced[:40]!r} 无法逐行读取，请使用 utf-8、gb18030 或 utf-16")
    if not _scan(path, codec, bom).fits():
        raise _refuse(path, f"the file is not valid {forced[:40]}", f"文件不是有效的 {forced[:40]} 编码",
                      suspected(head))
    return TextEncoding(codec, bom)


def detect_encoding(path: Path, forced: str | None = None) -> TextEncoding:
    """The encoding of a text registry file (see the module's docstring); BatchInputError if none fits.

    `forced` (from --encoding) is checked over the whole file like a detected one.
    """
    with path.open("rb") as stream:
        head = stream.read(_SAMPLE)
    if forced:
        return _forced(path, forced, head)
    for mark, codec in _BOMS:
        if head.startswith(mark):
            if codec == "utf-8" and not _scan(path, codec, len(mark)).fits():
                raise _refuse(path, "the file starts with a UTF-8 BOM but is not UTF-8",
                              "文件以 UTF-8 BOM 开头，但内容不是 UTF-8", suspected(head[len(mark):]))
            return TextEncoding(codec, len(mark))
    order = _utf16_order(head)
    if order:
        return TextEncoding(order)
    utf8 = _scan(path, "utf-8")
    if utf8.damaged == 0:
        return TextEncoding("utf-8")
    gb = _scan(path, "gb18030")
    if gb.damaged == 0:
        return TextEncoding("gb18030")
    for scan, codec in ((utf8, "utf-8"), (gb, "gb18030")):
        if scan.fits():
            return TextEncoding(codec)
    guess = suspected(head)
    if guess and guess.replace("-", "_") in _GUESSABLE and _scan(path, guess).damaged == 0:
        return TextEncoding(guess)
    if utf8.rare():
        return TextEncoding("utf-8")
    raise _refuse(path, "the text encoding cannot be recognised (neither UTF-8, GB18030 nor UTF-16)",
                  "无法识别文件的文字编码（既不是 UTF-8、GB18030，也不是 UTF-16）", guess)


def undecodable(error: UnicodeDecodeError, codec: str) -> Problem:
    """Why a line that does not decode failed, naming its byte and the encoding of the rest of the file."""
    return (f"第{error.start + 1}字节无法按 {codec} 解码（文件其余部分为 {codec}）：该行含有无效的字节序列，请改正该行",
            f"byte {error.start + 1} cannot be decoded as {codec}, the encoding of the rest of the file: "
            "the line holds an invalid byte sequence; correct it")
