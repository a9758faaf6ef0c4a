"""Decoding untrusted bytes and neutralising terminal control characters."""

from __future__ import annotations

import pytest

from ingest import IngestError, decode_bytes, neutralise_controls


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]52;c;SGVsbG8=\x07",
        "\x1b[2J\x1b[H",
        "\x1b]0;PWNED\x07",
        "\x1b]8;;http://evil\x1b\\ok\x1b]8;;\x1b\\",
        "\x9b31m",
        "a\x00b",
        "bad\udcff",
        "\x7f\x80\x9f",
    ],
)
def test_no_control_character_survives(hostile):
    clean = neutralise_controls(hostile)
    for ch in clean:
        code = ord(ch)
        assert ch in "\t\n" or not (code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF)
    clean.encode("utf-8")  # storable


def test_line_endings_become_newlines_and_text_is_kept():
    assert neutralise_controls("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour\tfive"
    assert neutralise_controls("a\x00b") == "ab"
    assert neutralise_controls("Vote \u202eetad\u202c 👨‍👩‍👧") == "Vote \u202eetad\u202c 👨‍👩‍👧"


def test_decodes_byte_order_marks_declared_and_detected_charsets():
    assert decode_bytes("\ufeffcafé".encode("utf-8"), "a.txt") == "café"
    assert decode_bytes("café “quoted”".encode("utf-16"), "a.txt") == "café “quoted”"
    assert decode_bytes("“quoted”".encode("cp1252"), "a.txt", "windows-1252") == "“quoted”"
    assert decode_bytes("“quoted”".encode("cp1252"), "a.txt", "iso-8859-1") == "“quoted”"
    meta = b'<html><head><meta charset="windows-1252"></head><body>\x93hi\x94</body></html>'
    assert "“hi”" in decode_bytes(meta, "page.html")
    assert decode_bytes("naïve café".encode("utf-8"), "a.txt", "bogus-charset") == "naïve café"


def test_invalid_utf8_never_crashes():
    text = decode_bytes(b"caf\xe9 \xff\xfe", "broken.txt")
    assert text.startswith("caf")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"%PDF-1.7\n...", b"text" + b"\x00" * 100 + b"more text" * 5],
)
def test_binary_is_rejected_naming_the_source(data):
    with pytest.raises(IngestError, match="photo.png"):
        decode_bytes(data, "photo.png")


def test_random_and_compressed_bytes_with_little_nul_are_rejected():
    import random
    import zlib

    noise = random.Random(7).randbytes(20_000)
    assert noise.count(0) < len(noise) / 100  # the NUL rule alone would let it through
    with pytest.raises(IngestError, match="noise.txt looks like binary data"):
        decode_bytes(noise, "noise.txt")
    packed = zlib.compress(("The mayor said 300 trees were planted in 2021. " * 400).encode() + noise[:4000])
    with pytest.raises(IngestError, match="notes.txt"):
        decode_bytes(packed, "notes.txt")


def test_text_full_of_terminal_escapes_is_still_text():
    # Valid UTF-8 stays text however many controls it holds: a pasted terminal log.
    log = ("\x1b[31mERROR\x1b[0m the mayor said 300 trees\x07 were planted.\x08\n" * 50).encode()
    text = decode_bytes(log, "session.log")
    assert "the mayor said 300 trees" in text and "\x07" not in text
    assert "“quoted” café".encode("cp1252").decode("cp1252") in decode_bytes(
        ("“quoted” café. " * 100).encode("cp1252"), "legacy.txt")


def test_text_holding_one_control_or_line_break_among_plain_text_is_still_neutralised():
    plain = "Prices rose “sharply” in 2022. " * 50
    assert neutralise_controls(plain) == plain  # nothing to replace: returned as it is
    assert neutralise_controls(plain + "\x90" + plain) == plain + "\ufffd" + plain
    assert neutralise_controls(plain + "\u2028" + plain) == plain + "\n" + plain
    assert neutralise_controls(plain + "\r\n\x1b[2J") == plain + "\n\ufffd[2J"
