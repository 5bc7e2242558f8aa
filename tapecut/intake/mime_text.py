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
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return ""


def decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Text from ``data`` and a note ("" when the declared charset simply worked)."""
    if not data:
        return "", ""
    codec = lookup(charset)
    if codec:
        text = _declared(data, codec)
        if text is not None:
            return text
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
    except (UnicodeDecodeError, LookupError):
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
_RUN = re.compile("[\u0080-\u00ff" + "".join(sorted(_CP1252_HIGH)) + "]{2,}")
_C1 = re.compile("[\u0080-\u009f]")
_MAX_ROUNDS = 6
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
    """Undo UTF-8-read-as-Latin-1, repeatedly, one run of odd characters at a time.

    C1 control characters left over are Windows-1252 bytes read as Latin-1 ("\x80" for "€").
    """
    if not text or text.isascii():
        return text
    if _RUN.search(text):
        text = _repair_runs(text)
    return _fix_c1(text)


def _fix_c1(text: str) -> str:
    return text.translate(_C1_TO_CP1252) if _C1.search(text) else text


def _repair_runs(text: str) -> str:
    limit = len(_C1.findall(text))
    best, current = text, text
    for _ in range(_MAX_ROUNDS):
        fixed = _RUN.sub(lambda m: _fix_run(m.group()), current)
        if fixed == current:
            break
        current = fixed
        # Intermediate rounds may hold C1 controls; only keep a result without new ones.
        if len(_C1.findall(current)) <= limit:
            best = current
    return best


def _fix_run(run: str) -> str:
    data = _run_bytes(run)
    if data is None:
        return run
    out: list[str] = []
    i = 0
    while i < len(data):
        size = _utf8_length(data[i])
        if size and i + size <= len(data):
            char = _strict(data[i : i + size], "utf-8")
            if char is not None and _plausible(char):
                out.append(char)
                i += size
                continue
        out.append(run[i])
        i += 1
    return "".join(out)


def _run_bytes(run: str) -> bytes | None:
    out = bytearray()
    for ch in run:
        code = ord(ch)
        if code < 0x100:
            out.append(code)
        elif ch in _CP1252_HIGH:
            out.append(_CP1252_HIGH[ch])
        else:
            return None
    return bytes(out)


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _plausible(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _PLAUSIBLE)
