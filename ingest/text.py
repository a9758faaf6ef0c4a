"""Turning untrusted bytes into safe text: decoding with charset fallbacks and control-character neutralising.

`decode_text` picks an encoding (byte-order mark, declared charset, `<meta charset>`,
UTF-8, a guess, then a lossy fallback), says when it guessed, and rejects binary data
(`decode_bytes` gives the text alone); `neutralise_controls`
makes any text safe to store and to print on a terminal.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ingest.errors import IngestError

REPLACEMENT = "\ufffd"

# C0 controls except \t and \n, DEL, C1 controls, and lone surrogates. NUL is handled apart
# (removed: SQLite's length() stops at it). \r, \v, \f, NEL and the Unicode line and paragraph
# separators are turned into "\n" first, so they never reach this pattern.
_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f\x80-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Searching a character class is several times faster than substituting over text that holds
# none (most of it): each substitution runs only when its search finds something.
_LINE_BREAK_CHARS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def neutralise_controls(text: str) -> str:
    """Return `text` with line endings made "\\n" and every terminal control character replaced.

    ESC, CSI (U+009B) and the other C0/C1 controls become U+FFFD, so nothing can move the
    cursor, set a window title or write the clipboard when the text is printed; NUL is
    dropped and lone surrogates (from `surrogateescape` decoding) become U+FFFD, so the
    text can be stored in SQLite.
    """
    if not text:
        return ""
    if _LINE_BREAK_CHARS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _CONTROL.sub(REPLACEMENT, text) if _CONTROL.search(text) else text


# Magic numbers of formats that are certainly not articles.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "a media file"),
    (b"ID3", "an MP3 file"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)


def _known_codec(name: str | None) -> str | None:
    """The Python codec name for a declared charset, or None when it is unknown or bogus."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    # Browsers read "iso-8859-1" and "us-ascii" as windows-1252 (WHATWG Encoding); so do we,
    # so that curly quotes in mislabelled pages survive.
    if name in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
        name = "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# C0 control bytes no text encoding uses for letters (tab, line breaks, form feed and
# escape excluded): about a tenth of random bytes, next to none in text of any script.
_BINARY_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    sample = data[:65536]
    if sample.count(0) > len(sample) / 100:
        return "binary data"
    # Bytes with little NUL (compressed or encrypted data, random noise) would otherwise
    # decode, by detection, into a page of garbage stored as an article. Valid UTF-8 is
    # text whatever controls it holds (they are neutralised), as in a pasted terminal log.
    if len(sample) - len(sample.translate(None, _BINARY_CONTROLS)) > len(sample) / 50:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        except UnicodeDecodeError:
            return "binary data"
    return None


@dataclass(frozen=True)
class DecodedText:
    """Decoded, neutralised text, and the encoding it was read as when that was a guess
    (no byte-order mark, no declared charset, not UTF-8): "" when it was not."""

    text: str
    guessed_encoding: str = ""

    def warning(self, name: str) -> str | None:
        """One line telling the checker the encoding was guessed, or None."""
        if not self.guessed_encoding:
            return None
        return (f"{name} is not UTF-8 and declares no encoding; it was read as "
                f"{self.guessed_encoding} (a guess): if letters look wrong, save it as UTF-8.")


# How a refusal of binary data ends, by what the text was wanted for.
AS_ARTICLE = "so it cannot be read as an article"
AS_REFERENCES = "so it cannot be imported; save a spreadsheet as CSV (UTF-8) and import that"


def decode_bytes(data: bytes, name: str, declared_charset: str | None = None, *,
                 refusal: str = AS_ARTICLE) -> str:
    """Decode the bytes of a source called `name` into neutralised text (see `decode_text`)."""
    return decode_text(data, name, declared_charset, refusal=refusal).text


def decode_text(data: bytes, name: str, declared_charset: str | None = None, *,
                refusal: str = AS_ARTICLE) -> DecodedText:
    """Decode the bytes of a source called `name` into neutralised text.

    Order: a byte-order mark, the declared charset (if Python knows it), an HTML
    `<meta charset>`, strict UTF-8, then a guess: Windows-1252 for a short text that reads
    as a Western language in it, else charset detection, and finally UTF-8 with
    replacement characters. Binary data (images, PDFs, archives, more than 1% NUL bytes
    or 2% other C0 control bytes) raises `IngestError` naming `name`.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return DecodedText(neutralise_controls(data[len(bom):].decode(encoding, errors="replace")))
    kind = _binary_kind(data)
    if kind is not None:
        raise IngestError(f"{name} looks like {kind}, not text, {refusal}.")
    candidates = [_known_codec(declared_charset)]
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(_known_codec(meta.group(1).decode("ascii", errors="replace")))
    for encoding in [c for c in candidates if c] + ["utf-8"]:
        try:
            return DecodedText(neutralise_controls(data.decode(encoding)))
        except (UnicodeDecodeError, LookupError):
            continue
    guessed = _guess_encoding(data)
    if guessed:
        try:
            return DecodedText(neutralise_controls(data.decode(guessed)), _encoding_label(guessed))
        except (UnicodeDecodeError, LookupError):
            pass
    return DecodedText(neutralise_controls(data.decode("utf-8", errors="replace")), "UTF-8 with damaged bytes")


# Below this size charset detection has too few bytes to tell code pages apart (a French
# sentence in Latin-1 is "detected" as Baltic or Urdu), so Windows-1252, by far the most
# common single-byte encoding of saved files and web pages, is tried first.
SHORT_TEXT_BYTES = 4096
# Symbols that follow a letter when another code page's letters are read as Windows-1252
# ("powiedzia³", "wzrosn¹": Polish ł and ą), and almost never in Western text.
_MISREAD_AFTER_LETTER = re.compile(r"[^\W\d_][\u00a4\u00a5\u00a6\u00a8\u00ac\u00af\u00b1\u00b3\u00b4\u00b8\u00b9\u00bf]")


def _guess_encoding(data: bytes) -> str | None:
    if len(data) <= SHORT_TEXT_BYTES and _reads_as_western(data):
        return "cp1252"
    return _detect_encoding(data)


def _reads_as_western(data: bytes) -> bool:
    """Whether `data` decodes as Windows-1252 into text a Western language would hold: most
    letters plain ASCII (Cyrillic or Greek read this way is all accented letters) and no
    stray symbols inside words."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        return False
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    return bool(letters) and accented <= 0.4 * len(letters) and not _MISREAD_AFTER_LETTER.search(text)


def _encoding_label(codec: str) -> str:
    name = codecs.lookup(codec).name
    return {"cp1252": "Windows-1252"}.get(name, name)


def _detect_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return "cp1252"
    best = from_bytes(data[:262144]).best()
    if best is None:
        return "cp1252"
    # On Western texts detection often guesses a DOS or Mac code page; windows-1252 is far
    # more common on the web and in saved files, so it wins whenever it decodes cleanly.
    if best.encoding in _WESTERN_SINGLE_BYTE:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


_WESTERN_SINGLE_BYTE = frozenset(
    {"cp437", "cp850", "cp858", "cp1250", "cp1252", "cp1254", "cp1258", "latin_1", "iso8859_2",
     "iso8859_9", "iso8859_15", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "cp1140", "cp500"}
)


def stream_decoder(head: bytes, name: str, *,
                   refusal: str = "so it cannot be read") -> tuple[codecs.IncrementalDecoder, int]:
    """For text too large to decode at once: an incremental decoder chosen from its first
    bytes in `decode_bytes`'s order (byte-order mark, strict UTF-8, detection), and how many
    bytes of byte-order mark to skip. Bytes that do not decode later on become U+FFFD; the
    decoded text still needs `neutralise_controls`. Binary data raises `IngestError`."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return codecs.getincrementaldecoder(encoding)(errors="replace"), len(bom)
    kind = _binary_kind(head)
    if kind is not None:
        raise IngestError(f"{name} looks like {kind}, not text, {refusal}.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = _detect_encoding(head) or "utf-8"
    return codecs.getincrementaldecoder(encoding)(errors="replace"), 0
