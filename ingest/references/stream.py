"""Opening a file of reference claims as text: whole when it is small, as a stream of
lines when it is large, so that memory does not grow with the file.

A file of at most `WHOLE_BYTES` is decoded at once by `decode_bytes`, like any other
source (its encoding guessed from all of it). A larger one is decoded as it is read, with
the encoding chosen from its first `WHOLE_BYTES` (`stream_decoder`). Either way the text
is neutralised, and its lines come out without their "\\n".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

from ingest.errors import FetchError, ImportFormatError, IngestError, source_path, unreadable
from ingest.text import AS_REFERENCES, decode_bytes, neutralise_controls, stream_decoder
from store.values import names_http_url

# Small files are decoded whole, as before streaming existed: the same text, the same guess.
WHOLE_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
# A line longer than this is one bad row, read past without being kept.
MAX_LINE_CHARS = 1_000_000
# Formats read as one document (JSON, HTML) are parsed whole: at most this much.
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024


# The ASCII characters `neutralise_controls` changes: C0 controls but tab and line feed, DEL.
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])


def _has_controls(ascii_text: str) -> bool:
    data = ascii_text.encode("ascii")
    return len(data.translate(None, _ASCII_CONTROLS)) != len(data)


class SourceText:
    """The text of one source: its `head` (for format detection), its `lines()` or, for
    documents, its `whole()`; `bytes_read` of `total_bytes` (None when unknown) so far."""

    def __init__(self, name: str, extension: str, *, text: str | None = None,
                 stream: BinaryIO | TextIO | None = None, first: bytes | str = b"",
                 total_bytes: int | None = None, owned: Any = None) -> None:
        self.name = name
        self.extension = extension
        self.total_bytes = total_bytes
        self._text = text
        self._stream = stream
        self._owned = owned
        self._decoder = None
        self._started = False
        if text is not None:
            self.bytes_read = total_bytes or 0
            self.head = text[:CHUNK_BYTES]
        else:
            self.bytes_read = len(first)
            if isinstance(first, bytes):
                try:
                    self._decoder, bom = stream_decoder(first, name, refusal=AS_REFERENCES)
                except IngestError as exc:
                    raise ImportFormatError(str(exc)) from exc
                first = first[bom:]
            # All of what was read first, the start of the text (the rest follows in _chunks).
            self.head = self._decode(first, final=False)
        # Only a text read whole can be known to be empty: a stream is larger than that.
        self.empty = text is not None and not text.strip()

    def __enter__(self) -> SourceText:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    # -- reading -------------------------------------------------------------------

    def lines(self) -> Iterator[str]:
        """Each line, without its "\\n"; a line over `MAX_LINE_CHARS` is cut just past it."""
        if self._started:
            raise RuntimeError("a source's text is read once")
        self._started = True
        if self._text is not None:
            text, self._text = self._text, None
            yield from text.split("\n")
            return
        pending: list[str] = []
        pending_chars = 0
        overlong = False
        for chunk in self._chunks():
            parts = chunk.split("\n")
            for part in parts[:-1]:
                if overlong:
                    overlong = False
                    pending, pending_chars = [], 0
                    continue
                if pending:
                    pending.append(part)
                    part = "".join(pending)
                    pending, pending_chars = [], 0
                yield part[: MAX_LINE_CHARS + 1]
            tail = parts[-1]
            if overlong or not tail:
                continue
            pending.append(tail)
            pending_chars += len(tail)
            if pending_chars > MAX_LINE_CHARS:
                yield "".join(pending)[: MAX_LINE_CHARS + 1]
                pending, pending_chars, overlong = [], 0, True
        if pending:
            yield "".join(pending)[: MAX_LINE_CHARS + 1]
        elif not overlong:
            yield ""  # as str.split gives after a final "\n"

    def whole(self) -> str:
        """All of the text, for formats parsed as one document (refused above the cap)."""
        if self._text is not None:
            text, self._text = self._text, None
            self._started = True
            return text
        if self.total_bytes is not None and self.total_bytes > MAX_DOCUMENT_BYTES:
            raise self._too_large()
        parts = []
        for chunk in self._chunks():
            parts.append(chunk)
            if self.bytes_read > MAX_DOCUMENT_BYTES:
                raise self._too_large()
        return "".join(parts)

    def _too_large(self) -> ImportFormatError:
        limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
        return ImportFormatError(
            f"{self.name} is a document of more than {limit} MB, which is read whole; "
            "split it, or write it as JSON Lines (one object per line), which is read as it streams."
        )

    def _chunks(self) -> Iterator[str]:
        """The decoded, neutralised text in pieces; a "\\r" ending one piece is kept for the
        next, so that "\\r\\n" split between two reads stays one line break."""
        self._started = True
        carry = self.head
        self.head = self.head[:CHUNK_BYTES]
        assert self._stream is not None
        while True:
            try:
                data = self._stream.read(CHUNK_BYTES)
            except (OSError, ValueError) as exc:
                raise ImportFormatError(
                    f"{self.name} could not be read ({getattr(exc, 'strerror', None) or exc})."
                ) from exc
            self.bytes_read += len(data)
            final = not data
            text = carry + self._decode(data, final=final)
            carry = ""
            if text.isascii() and not _has_controls(text):
                yield text  # nearly always: nothing to neutralise, checked in a fraction of the time
            else:
                if not final and text.endswith("\r"):
                    text, carry = text[:-1], "\r"
                if text:
                    yield neutralise_controls(text)
            if final:
                return

    def _decode(self, data: bytes | str, *, final: bool) -> str:
        if isinstance(data, str):
            return data
        assert self._decoder is not None
        return self._decoder.decode(data, final)


def open_source(source: str, *, stdin: BinaryIO | TextIO | None = None, client: Any = None) -> SourceText:
    """The text of a path, "-" (standard input) or an http(s) URL; every failure is an
    `ImportFormatError` naming the source."""
    if names_http_url(source):
        return _fetched(source, client)
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _opened("standard input", "", stream, total_bytes=None, owned=None)
    path = source_path(source, ImportFormatError)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise unreadable(source, exc, ImportFormatError) from exc
    try:
        size = os.fstat(handle.fileno()).st_size
        extension = path.suffix.lower().lstrip(".")
        return _opened(source, extension, handle, total_bytes=size or None, owned=handle)
    except BaseException:
        handle.close()
        raise


def _opened(name: str, extension: str, stream: BinaryIO | TextIO, *, total_bytes: int | None,
            owned: Any) -> SourceText:
    try:
        first = stream.read(WHOLE_BYTES + 1)
    except (OSError, ValueError) as exc:
        label = "Standard input" if name == "standard input" else name
        raise ImportFormatError(f"{label} could not be read ({getattr(exc, 'strerror', None) or exc}).") from exc
    if len(first) <= WHOLE_BYTES:  # all of it
        if owned is not None:
            owned.close()
        text = _decode_whole(first, name)
        return SourceText(name, extension, text=text, total_bytes=len(first))
    return SourceText(name, extension, stream=stream, first=first, total_bytes=total_bytes, owned=owned)


def _decode_whole(data: bytes | str, name: str) -> str:
    if isinstance(data, str):
        return neutralise_controls(data)
    try:
        return decode_bytes(data, name, refusal=AS_REFERENCES)
    except IngestError as exc:
        raise ImportFormatError(str(exc)) from exc


def text_source(data: bytes | str, name: str, extension: str = "") -> SourceText:
    """A source already in memory (the content of a file called `name`)."""
    return SourceText(name, extension, text=_decode_whole(data, name), total_bytes=len(data))


def _fetched(url: str, client: Any) -> SourceText:
    try:
        from ingest import fetch
    except ImportError as exc:  # pragma: no cover - fetch ships with ingest
        raise ImportFormatError(f"{url} cannot be fetched: web fetching is unavailable.") from exc
    try:
        document = fetch.fetch_document(url, client, allow_data=True)
    except FetchError as exc:
        raise ImportFormatError(str(exc)) from exc
    extension = ""
    content_type = document.content_type
    if "json" in content_type:
        extension = "json"
    elif "csv" in content_type:
        extension = "csv"
    elif "html" in content_type:
        extension = "html"
    return text_source(document.text, url, extension)
