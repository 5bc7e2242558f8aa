"""Bytes to text for real-world mail: unknown or wrong charsets and mojibake.

Pure functions. Mail in the wild declares charsets that Python does not know, declares the wrong
one, or declares none at all; some of it has been decoded with the wrong charset once or several
times on its way (UTF-8 read as Latin-1 and encoded again). Everything here returns text and
never raises.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# Decoders that are supersets of what is declared: mail clients label text with the narrow
# charset and then use characters only the wider one has (browsers do the same mapping).
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
}
# Single-byte charsets under which valid multi-byte UTF-8 is almost certainly mislabelled.
_SINGLE_BYTE = {"cp1252", "iso8859-1", "iso8859-15", "cp1250"}
_NOT_CHARSETS = {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "charmap"}
# charset-normalizer is slow on long texts; the first bytes are enough to tell the charset.
DETECT_SAMPLE_BYTES = 32_768
# Short byte strings are not enough for detection to beat the most likely charset here.
DETECT_MIN_BYTES = 24


def lookup(charset: str | None) -> str:
    """The Python codec name for a declared charset, or "" when unknown."""
    if not charset:
        return ""
    name = charset.strip().strip("\"'").lower().split("*", 1)[0].removeprefix("charset=")
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return ""
    # Python also has codecs that are no charset ("base64", "undefined", "idna"): unknown.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return ""
    return info.name


def decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Text from ``data`` and a note ("" when the declared charset simply worked)."""
    if not data:
        return "", ""
    codec = lookup(charset)
    if codec:
        declared = _declared(data, codec)
        if declared is not None:
            return declared
    text, used = guess_decode(data)
    if charset and not codec:
        return text, f"unknown charset {charset[:40]!r}; decoded as {used}"
    if charset:
        return text, f"text does not match charset {charset[:40]!r}; decoded as {used}"
    return text, ""


def _declared(data: bytes, codec: str) -> tuple[str, str] | None:
    """Decode with the declared charset, unless the bytes show that it is wrong."""
    if codec == "ascii" and _has_8bit(data):
        return None
    text = _strict(data, codec)
    if text is None:
        return None
    if codec in _SINGLE_BYTE and _has_8bit(data):
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return utf8, f"declared {codec} but the text is UTF-8"
    return text, ""


def guess_decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown charset: UTF-8 if valid, else detected, else Windows-1252."""
    if not _has_8bit(data):
        return data.decode("ascii"), "ascii"
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)"
    western = _strict(data, "cp1252")
    if western is not None and _looks_western(western):
        return western, "cp1252"
    codec = _detect(data) if len(data) >= DETECT_MIN_BYTES else ""
    if codec:
        return data.decode(codec, errors="replace"), codec
    text = _strict(data, "cp1252")
    if text is not None:
        return text, "cp1252"
    return data.decode("latin-1"), "latin-1"


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a cut-off sequence) rather than another charset."""
    sample = data[:DETECT_SAMPLE_BYTES]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    valid = sum(len(m) for m in _UTF8_SEQUENCE.findall(sample))
    return valid >= 0.8 * high


# Letters and signs of Western European text in Windows-1252. Text in another script read as
# Windows-1252 has far more non-ASCII characters, and many outside this set.
_WESTERN = frozenset(
    "äöüßÄÖÜéèêëáàâíìîïóòôúùûçñÉÈÊÁÀÂÍÓÔÚÇÑøØåÅæÆœŒ„“”‘’‚–—…€°§«»·×¡¿²³µ½¼¾©®™\xa0"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _looks_western(text: str) -> bool:
    """German, English, French… in Windows-1252: no need to ask charset-normalizer."""
    sample = text[:DETECT_SAMPLE_BYTES]
    high = _NON_ASCII.findall(sample)
    return len(high) <= 0.15 * len(sample) and all(char in _WESTERN for char in high)


def _detect(data: bytes) -> str:
    """charset-normalizer's answer, unless it is one of the Latin code pages it confuses.

    For short Western European text it often says cp1250 where cp1252 is right ("à" becomes
    "ŕ"); this mailbox mostly gets German and English, so Windows-1252 wins those ties.
    """
    best = charset_normalizer.from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    if best is None:
        return ""
    codec = lookup(best.encoding)
    if not codec or codec == "utf-8":
        return ""
    if (codec in _LATIN_PAGES or codec.startswith("mac-")) and _strict(data, "cp1252"):
        return ""
    return codec


_LATIN_PAGES = {
    *(f"cp{n}" for n in (437, 775, 850, 852, 858, 860, 861, 863, 865, 1006, 1125)),
    *(f"cp{n}" for n in (1250, 1252, 1254, 1257, 1258)),
    *(f"iso8859-{n}" for n in (1, 2, 3, 4, 9, 10, 13, 14, 15, 16)),
    "hp-roman8",
}


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        return None


def _has_8bit(data: bytes) -> bool:
    return not data.isascii()


def unsurrogate(text: str) -> str:
    """Undo ``surrogateescape``: raw 8-bit bytes the email package could not decode."""
    if not _SURROGATES.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    return guess_decode(raw)[0]


_SURROGATES = re.compile("[\udc80-\udcff]")

# ---------------------------------------------------------------------------------------------
# Mojibake: UTF-8 bytes read as Windows-1252/Latin-1 (maybe several times over).


def _cp1252_high() -> dict[str, int]:
    """The characters Windows-1252 puts at bytes 0x80-0x9F (where Latin-1 has controls)."""
    table = {}
    for byte in range(0x80, 0xA0):
        char = bytes([byte]).decode("cp1252", "ignore")
        if char:
            table[char] = byte
    return table


_CP1252_HIGH = _cp1252_high()
_C1_TO_CP1252 = {byte: char for char, byte in _CP1252_HIGH.items()}
# A UTF-8 sequence read as Windows-1252/Latin-1: a lead byte (Â..ô) and its continuation
# bytes (0x80-0xBF, which Windows-1252 shows as € ‚ ƒ … and Latin-1 as controls and signs).
_CONT = "[\u0080-\u00bf" + "".join(sorted(_CP1252_HIGH)) + "]"
_SEQUENCE = re.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"
)
_C1 = re.compile("[\u0080-\u009f]")
_MAX_ROUNDS = 6
# Longer texts are left as they are: the repair is for headers and ordinary bodies, and
# must not cost seconds on a hostile megabyte of Latin-1 signs.
MAX_REPAIR_CHARS = 1_000_000
# Characters a repaired sequence may become; anything else means the run was real text
# (German "ß“" would otherwise turn into an NKo letter).
_PLAUSIBLE = (
    (0x0080, 0x052F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x23FF),
    (0x2460, 0x27BF),
    (0x3000, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xFF00, 0xFFEF),
    (0x1F000, 0x1FAFF),
)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 or Latin-1, as often as it happened.

    Each round decodes every sequence that is valid UTF-8 and gives a plausible character,
    so parts of a string that were mangled more often than others still come out right.
    C1 control characters left over are Windows-1252 bytes read as Latin-1 ("\x80" for "€").
    """
    if not text or text.isascii() or len(text) > MAX_REPAIR_CHARS:
        return text
    if _SEQUENCE.search(text):
        text = _repair_sequences(text)
    return text.translate(_C1_TO_CP1252) if _C1.search(text) else text


def _repair_sequences(text: str) -> str:
    limit = len(_C1.findall(text))
    best = current = text
    for _ in range(_MAX_ROUNDS):
        fixed = _SEQUENCE.sub(_fix_sequence, current)
        if fixed == current:
            break
        current = fixed
        # Intermediate rounds may hold C1 controls; only keep a result without new ones.
        if len(_C1.findall(current)) <= limit:
            best = current
    return best


def _fix_sequence(match: re.Match[str]) -> str:
    chars = match.group()
    data = bytes(_CP1252_HIGH.get(ch, ord(ch)) for ch in chars)
    decoded = _strict(data, "utf-8")
    if decoded is None or not _plausible(decoded):
        return chars
    return decoded


def _plausible(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _PLAUSIBLE)
