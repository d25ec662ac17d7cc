"""Bytes to text: BOM, strict UTF-8, the declared charset, then detection; binary is refused."""

from __future__ import annotations

import codecs
import re

from enews_tui.model import NotAStory, PageError

#: How much of the file the sniffers look at; a page's nature shows in its first bytes.
_SAMPLE = 64 * 1024
#: How far a charset declaration is searched for (Wayback captures put ~10 KB of scripts first).
_DECLARATION_WINDOW = 16 * 1024
#: How much the encoding detector reads (its time grows with the sample).
_DETECT_SAMPLE = 32 * 1024
_WESTERN_NAMES = frozenset(
    {"ascii", "cp1252", "windows_1252", "latin_1", "iso8859_1", "iso8859_15"}
)
#: What windows-1252 text of a Western language holds besides ASCII.
_WESTERN_CHARS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŽžŸ"
    "“”‘’„‚–—…•€©®™°±½¼¾£¢¥¡¿«»§¶·´¨ªº×÷\xa0\xad"
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh")
# C0 controls that never occur in text (tab, LF, FF, CR and ESC are left out: ESC is handled by
# the sanitizer, the others are layout).
_ASCII = bytes(range(128))
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def decode_page(raw: bytes, *, markup: bool) -> str:
    """The page's text; `markup` enables charset declarations. Raises PageError / NotAStory."""
    if not raw.strip():
        raise NotAStory("empty page: the file has no text")
    text = _decode(raw, markup=markup)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise NotAStory("empty page: the file has no text")
    return text


def _decode(raw: bytes, *, markup: bool) -> str:
    """Pick the encoding in the order browsers do, with UTF-16 found by its NUL pattern."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            # A file cut mid-character loses only that character.
            unit = 4 if encoding.startswith("utf-32") else 2 if encoding.startswith("utf-16") else 1
            return _strict_or_fail(body[: len(body) - len(body) % unit], encoding)
    sample = raw[:_SAMPLE]
    utf16 = _utf16_by_pattern(sample)
    if utf16 is not None:
        text = _strict_or_fail(raw[: len(raw) - len(raw) % 2], utf16)
        # Binary data can show the same NUL rhythm; decoded, it is mostly control characters.
        if _looks_binary(text[: _SAMPLE // 2].encode("utf-8", "replace")):
            raise PageError("binary file, not a page")
        return text
    if sample.startswith(_MAGIC) or _looks_binary(sample):
        raise PageError("binary file, not a page")
    # Strict UTF-8 first, whatever is declared: a page saved as UTF-8 by a later system keeps
    # its old ISO-8859-1 / windows-1252 declaration, and a single-byte declaration can never be
    # checked by decoding (every byte is valid). Real single-byte text with non-ASCII letters is
    # almost never valid UTF-8 by chance.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return raw[: exc.start].decode("utf-8")  # a download cut mid-character
    mostly = _mostly_utf8(sample)
    if mostly is not None:
        return mostly if len(raw) <= len(sample) else _utf8_lossy(raw)
    if markup:
        declared = _declared_charset(raw[:_DECLARATION_WINDOW])
        if declared == "cp1252":
            return _windows_1252(raw)
        if declared is not None and declared != "utf-8":
            try:
                return raw.decode(declared)
            except (UnicodeError, LookupError):
                # A wrong declaration is common (and "rot13", "base64" or "undefined" name
                # codecs that cannot decode a page at all): fall through to the detector.
                pass
    return _detected(raw, sample)


def _utf8_lossy(raw: bytes) -> str:
    """UTF-8 with its few broken sequences dropped."""
    return raw.decode("utf-8", errors="replace").replace("\ufffd", "")


def _mostly_utf8(sample: bytes) -> str | None:
    """The sample as UTF-8 when its non-ASCII bytes mostly form valid UTF-8 sequences (a UTF-8
    page with a stray broken byte); windows-1252 text almost never forms one by chance."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if not c.isascii()) - bad
    return _utf8_lossy(sample) if good >= 3 and good >= 2 * bad else None


def _detected(raw: bytes, sample: bytes) -> str:
    """An undeclared (or wrongly declared) non-UTF-8 page: detected, windows-1252 for Western."""
    from charset_normalizer import from_bytes  # loaded only for the rare undeclared page

    best = from_bytes(sample[:_DETECT_SAMPLE]).best()
    guess = best.encoding if best is not None else None
    if guess is not None and not _western(raw[:_SAMPLE], guess):
        try:
            return raw.decode(guess, errors="replace").replace("\ufffd", "")
        except LookupError:
            pass
    if guess is None and _mostly_high_bytes(sample):
        raise PageError("cannot decode: not UTF-8, and no encoding fits its bytes")
    return _windows_1252(raw)


def _western(sample: bytes, guess: str) -> bool:
    """Whether windows-1252 reads the bytes as well as the detector's guess: every non-ASCII
    character it gives is a Western letter or mark. Detectors confuse the single-byte Latin code
    pages on short texts (an English page with one "é" comes out as cp1250 or cp775)."""
    if guess.replace("-", "_").lower() in _WESTERN_NAMES:
        return True
    text = sample.decode("cp1252", errors="ignore")
    return all(c.isascii() or c in _WESTERN_CHARS for c in text)


def _windows_1252(raw: bytes) -> str:
    """windows-1252, whose five undefined bytes browsers show as nothing, so they are dropped."""
    # Kept as C1 controls, some of them would start an escape sequence for the sanitizer and
    # swallow the rest of their line.
    return raw.decode("cp1252", errors="replace").replace("\ufffd", "")


def _strict_or_fail(raw: bytes, encoding: str) -> str:
    """Decode with an encoding the bytes announced; a mismatch is a reason, not a crash."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        name = encoding.upper().replace("-LE", "").replace("-BE", "")
        raise PageError(f"cannot decode: invalid {name} text") from None


def _utf16_by_pattern(sample: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text puts a NUL in every other byte."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd = sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(sample: bytes) -> bool:
    """Many control bytes (NULs included): an image, an archive, an executable, not a page."""
    if not sample:
        return False
    # Compressed or executable data has ~10% bytes below 0x20; a text with a few stray NULs
    # (stripped later) is still a page.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(sample) // 20)


def _mostly_high_bytes(sample: bytes) -> bool:
    """Not UTF-8 and mostly non-ASCII: an East Asian or otherwise foreign encoding, or noise."""
    visible = sample.translate(None, b" \t\r\n\x0c")
    if not visible:
        return False
    high = len(visible.translate(None, _ASCII))
    return high * 10 > len(visible) * 3


def _declared_charset(head: bytes) -> str | None:
    """The codec named by a `<meta charset>` / http-equiv / XML declaration, if Python knows it."""
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name.startswith(("utf-16", "utf-32")):
        # Bytes that reached this point have no UTF-16 NUL pattern; browsers read such a
        # declaration as UTF-8, and decoding ASCII as UTF-16 would "succeed" with garbage.
        return "utf-8"
    if name in ("latin-1", "iso8859-1", "ascii", "cp1252"):
        # Browsers read all three as windows-1252 (curly quotes live in 0x80-0x9F).
        return "cp1252"
    return name
