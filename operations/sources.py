"""Reading sources into the store: one article (file, URL, stdin, transcript) and the demo.

`store.feeds.add_fetched_article` stores the article; its claims are then matched, and
the other articles' claims they could match are matched again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import ingest
from operations.freshness import RematchResult, rematch_after_article
from operations.matching import match_article
from operations.references import import_references
from store import Store
from store.feeds import add_fetched_article
from store.writes import WriteRunner, writes_to


@dataclass(frozen=True)
class IngestResult:
    article_id: int
    title: str
    claims: int
    created: bool
    warnings: tuple[str, ...] = ()
    rematched: RematchResult = RematchResult()


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl+C after the article was stored, while its claims were being matched."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__(f"article {result.article_id} was stored before the interrupt")
        self.result = result


def ingest_source(
    store: Store,
    source: str,
    *,
    stdin: BinaryIO | None = None,
    match: bool = True,
    client=None,
    semantic: bool = True,
    form: str = "article",
    write: WriteRunner | None = None,
) -> IngestResult:
    """Read (or fetch, with the httpx `client`), clean and split one source (`form`: an
    article, "lines" or a "transcript", see `ingest.load_source`), store it with its claims,
    then match its claims and match again the stored claims they could match. Ctrl+C
    after the article is stored raises `IngestInterrupted`, which names it. Reads go to
    `store`; writes through `write` when given."""
    write = writes_to(store, write)
    draft, claims = ingest.load_source(source, stdin=stdin, client=client, form=form)
    # Skips an article already stored under the same canonical URL or the same text.
    article_id, created = write(lambda s: add_fetched_article(s, draft, claims))
    checkworthy = sum(1 for c in claims if c.checkworthy)
    result = IngestResult(article_id, draft.title, checkworthy, created, draft.warnings)
    if created and match:
        try:
            match_article(store, article_id, semantic=semantic, write=write)
            rematched = rematch_after_article(store, article_id, semantic=semantic, write=write)
        except KeyboardInterrupt as exc:
            raise IngestInterrupted(result) from exc
        result = IngestResult(article_id, draft.title, checkworthy, created, draft.warnings, rematched)
    return result


def seed_demo(store: Store) -> tuple[IngestResult, tuple[int, int]]:
    """Load the demo reference claims and the sample article (matched against them)."""
    from ingest import demo

    imported = import_references(store, str(demo.demo_references_path()))
    article = ingest_source(store, str(demo.demo_article_path()))
    return article, imported
