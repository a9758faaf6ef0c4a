"""An HTML page: the ClaimReviews in its `<script type="application/ld+json">` blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser

from ingest.errors import ImportFormatError
from ingest.references.claimreview import claim_review_row, find_claim_reviews
from ingest.references.fields import Row, json_loads
from ingest.references.stream import SourceText


class _JsonLdScripts(HTMLParser):
    """Collects the text of `<script type="application/ld+json">` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._inside = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._inside = kind == "application/ld+json"
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._parts))
            self._inside = False


def html_rows(source: SourceText) -> Iterator[Row]:
    name = source.name
    parser = _JsonLdScripts()
    try:
        parser.feed(source.whole())
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own failures
        raise ImportFormatError(f"{name} is not HTML that can be read: {exc}.") from exc
    if not parser.blocks:
        raise ImportFormatError(f"{name} is an HTML page without any JSON-LD block to import.")
    # Pages carry JSON-LD for many purposes; a broken block only matters when the page
    # yields no ClaimReview at all.
    count = broken = 0
    for number, block in enumerate(parser.blocks, start=1):
        where = f"JSON-LD block {number}"
        try:
            document = json_loads(block)
        except (json.JSONDecodeError, RecursionError):
            broken += 1
            continue
        for review in find_claim_reviews(document):
            count += 1
            yield claim_review_row(f"ClaimReview {count} ({where})", review)
    if count == 0:
        note = f" ({broken} of its {len(parser.blocks)} blocks are not valid JSON)" if broken else ""
        raise ImportFormatError(f"{name} has JSON-LD but no ClaimReview in it{note}.")
