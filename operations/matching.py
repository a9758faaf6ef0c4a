"""Matching claims against the store: one text, or every claim of an article."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import matchers
from matchers import select
from matchers.context import query_with_context
from store import ClaimdeskError, Store
from store.search import search_by_terms
from store.models import Claim, Match
from store.writes import WriteRunner, writes_to

ProgressCallback = Callable[[int, int], None]

# Candidates ranked before the same claims are put first (`matchers.select.shown`), so
# that a prior-lifted related claim cannot push the claim itself out of the list.
PRIOR_POOL = 10

# Claims whose matches are saved in one transaction: a commit per claim cost a disk
# flush each (seconds for a long transcript); an interrupted run keeps whole batches.
SAVE_BATCH = 50


def find_matches(
    store: Store,
    text: str,
    *,
    limit: int = 5,
    min_score: float | None = None,
    exclude_article_id: int | None = None,
    semantic: bool = True,
    speaker: str = "",
    date: str = "",
) -> list[Match]:
    """The `limit` stored claims most like `text`, best first: FTS5 candidates (chosen
    by document counts, so a search stays fast at a million stored claims) reranked by
    the matcher, then the best lexical matches reranked again with sentence embeddings
    (`semantic`, on by default): reference claims' stored ones, the others embedded now.
    `speaker` is who said `text` and `date` when, if known (a transcript's line): claims
    made by the same person, and claims stated that year or the year before, rank higher
    (`matchers.rank`).

    Every ranked candidate is returned, down to `min_score` when given: which of them
    are the same claim is `matchers.is_same_claim`'s to say, and the others are shown
    as related claims (a right answer under the threshold stays in view)."""
    search_terms = partial(_search_terms, store, exclude_article_id)
    threshold = 0.0 if min_score is None else min_score
    # Only the matches that decide what is shown are explained (`matchers.select`).
    if not semantic:
        pool = max(limit, PRIOR_POOL)
        deferred = matchers.find_deferred(text, search_terms=search_terms, limit=pool, speaker=speaker, date=date)
        return select.shown_from(select.passing(deferred, threshold), pool, limit)
    from matchers import semantic as embeddings

    try:
        model = embeddings.load_model()
    except embeddings.SemanticUnavailableError as exc:
        raise MatchingError(str(exc)) from exc
    pool = max(limit, embeddings.SEMANTIC_POOL)
    deferred = matchers.find_deferred(text, search_terms=search_terms, limit=pool, speaker=speaker, date=date)
    similarity: dict = {}
    # The containment floor (`matchers.semantic`) was chosen for plain text; a transcript
    # line's lexical scores run high on claims its context repeats, and stay fused as before.
    plain_text = not speaker

    def fused_by_similarity(entries):
        """Each entry's score fused with its similarity to `text` (stored embeddings of
        reference claims, the others embedded now), read once per entry."""
        missing = [e for e in entries if e not in similarity]
        if missing:
            stored = store.reference_embeddings(
                model.name, [e.candidate.id for e in missing if e.candidate.kind == "reference"])
            similarity.update(zip(missing, embeddings.candidate_similarities(
                text, [e.candidate for e in missing], stored=stored)))
        return lambda entry, score: embeddings.fused_score(
            score, similarity[entry], coverage=entry.coverage if plain_text else 0.0)

    return select.shown_from(deferred, pool, limit, fused_by_similarity, threshold)


def match_claim(store: Store, claim: Claim, *, limit: int = 5, semantic: bool = True) -> list[Match]:
    """The matches of one stored claim (not saved), found as `match_article` finds them."""
    previous = None
    if claim.speaker:
        every = store.claims_for_article(claim.article_id, checkworthy_only=False)
        previous = next((p for p, c in zip([None, *every], every) if c.id == claim.id), None)
    return find_matches(store, claim_query(claim, previous), limit=limit, speaker=claim.speaker,
                        date=_said_on(store, claim), exclude_article_id=claim.article_id,
                        semantic=semantic)


def claim_query(claim: Claim, previous: Claim | None = None) -> str:
    """The text to match for a stored claim: a transcript's line with its speaker and,
    when it leans on it, the line before (`matchers.context`); an article's sentence alone."""
    if not claim.speaker:
        return claim.text
    return query_with_context(claim.text, claim.speaker, previous.text if previous else "")


def _said_on(store: Store, claim: Claim) -> str:
    """When a transcript's line was said (its article's date, "" if unknown); "" for an
    article's sentence, for which the date bonus was not measured."""
    return store.get_article(claim.article_id).published if claim.speaker else ""


class MatchingError(ClaimdeskError):
    title = "Matching"


def _search_terms(store: Store, exclude_article_id: int | None, terms, pool: int):
    return search_by_terms(store, terms, pool, exclude_article_id=exclude_article_id)


def match_article(
    store: Store,
    article_id: int,
    *,
    limit: int = 5,
    on_progress: ProgressCallback | None = None,
    semantic: bool = True,
    write: WriteRunner | None = None,
) -> int:
    """Match every check-worthy claim of an article and save the matches (through `write`
    when given); returns how many claims have at least one match. A line of a transcript
    is matched with its speaker (in its text and as a ranking feature) and its article's
    date, and with the line before when it leans on it (`claim_query`)."""
    write = writes_to(store, write)
    every = store.claims_for_article(article_id, checkworthy_only=False)
    claims = [c for c in every if c.checkworthy]
    before = {c.id: previous for previous, c in zip([None, *every], every)}
    published = store.get_article(article_id).published
    with_matches = 0
    pending: list[tuple[int, list[Match]]] = []
    for done, claim in enumerate(claims, start=1):
        found = find_matches(store, claim_query(claim, before[claim.id]), limit=limit,
                             speaker=claim.speaker, date=published if claim.speaker else "",
                             exclude_article_id=article_id, semantic=semantic)
        pending.append((claim.id, found))
        with_matches += bool(found)
        if len(pending) == SAVE_BATCH or done == len(claims):
            batch, pending = pending, []
            write(lambda s: s.save_many_matches(batch))
        if on_progress:
            on_progress(done, len(claims))
    return with_matches


# Reference claims embedded per transaction: short write locks, so the desk's own writes
# never wait long behind the embedding worker.
EMBED_ROWS_PER_WRITE = 2_000


def embedding_progress(store: Store) -> tuple[int, int]:
    """(reference claims embedded by the shipped model, reference claims stored)."""
    from matchers import semantic as embeddings

    return store.embedding_progress(embeddings.model_name())


def embed_references(store: Store, *, on_progress: ProgressCallback | None = None,
                     should_stop: Callable[[], bool] | None = None,
                     write: WriteRunner | None = None) -> int:
    """Embed every reference claim that has no embedding from the shipped model yet and
    store the embeddings, a batch per transaction; returns how many were embedded.
    `on_progress(embedded, total)` after each batch; `should_stop()` ends the run
    between batches (what is stored stays; the next run resumes). Writes go through `write`
    when given."""
    from matchers import semantic as embeddings

    write = writes_to(store, write)
    try:
        model = embeddings.load_model()
    except embeddings.SemanticUnavailableError as exc:
        raise MatchingError(str(exc)) from exc
    embedded, total = store.embedding_progress(model.name)
    if on_progress:
        on_progress(embedded, total)
    made, after = 0, 0
    while not (should_stop and should_stop()):
        rows = store.references_without_embedding(model.name, after_id=after,
                                                  limit=EMBED_ROWS_PER_WRITE)
        if not rows:
            break
        texts = [embeddings.reference_text(text, title) for _, text, title in rows]
        vectors = embeddings.pack_vectors(embeddings.embed_texts(texts, model))
        saved = write(lambda s: s.save_reference_embeddings(model.name, zip((row[0] for row in rows), vectors)))
        after = rows[-1][0]
        made += saved
        embedded += saved
        if on_progress:
            on_progress(embedded, max(total, embedded))
    return made
