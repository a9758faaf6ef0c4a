"""Plain data objects handed between the store, ingest, matchers, reports and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field

VERDICTS: tuple[str, ...] = ("corroborated", "contested", "unverified")


@dataclass(frozen=True)
class ArticleDraft:
    """An article as ingest produced it, before it has an id in the store."""

    title: str
    text: str
    source: str = ""
    url: str = ""
    published: str = ""
    author: str = ""
    canonical_url: str = ""
    dropped_count: int = 0
    dropped_preview: str = ""
    # Things the checker should know about how the article was read (not stored).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimDraft:
    """A sentence of an article's cleaned text; `text == article.text[start:end]`."""

    text: str
    start: int
    end: int
    score: float
    checkworthy: bool
    reasons: tuple[str, ...] = ()
    # Offsets of near-duplicate sentences merged into this claim (a pull quote, a recap).
    also_at: tuple[tuple[int, int], ...] = ()
    # Who said it, for a line of a transcript written "SPEAKER: words"; "" for an article.
    speaker: str = ""


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    text: str
    source: str
    url: str
    published: str
    added_at: str
    content_hash: str
    status: str = "inbox"
    author: str = ""
    dropped_count: int = 0
    dropped_preview: str = ""
    canonical_url: str = ""
    feed_id: int | None = None


@dataclass(frozen=True)
class ArticleSummary:
    """One inbox row: an article with its claim and verdict counts."""

    id: int
    title: str
    source: str
    published: str
    added_at: str
    status: str
    claims: int
    judged: int


@dataclass(frozen=True)
class Claim:
    id: int
    article_id: int
    position: int
    text: str
    start: int
    end: int
    score: float
    checkworthy: bool
    reasons: tuple[str, ...] = ()
    verdict: str | None = None
    note: str = ""
    also_at: tuple[tuple[int, int], ...] = ()
    speaker: str = ""


@dataclass(frozen=True)
class ReferenceDraft:
    """A claim published elsewhere (an earlier fact-check, another outlet), before storing."""

    text: str
    source: str = ""
    url: str = ""
    rating: str = ""
    date: str = ""
    external_id: str = ""
    language: str = ""
    normalised_rating: str = ""
    claimant: str = ""
    # A fact-check's headline or article title: searched and compared with the text.
    title: str = ""


@dataclass(frozen=True)
class Candidate:
    """A stored text that may match a query: a reference claim or another article's claim.

    `kind` is "reference" or "claim"; `bm25` is SQLite's rank (lower is better);
    `normalised_rating` is the published `rating` as a verdict ("corroborated",
    "contested", "unverified"), "" when unrated or not recognised. `claimant` is who
    made the claim: a reference's claimant, a transcript line's speaker ("" if unknown).
    """

    id: int
    kind: str
    text: str
    source: str = ""
    url: str = ""
    rating: str = ""
    date: str = ""
    bm25: float = 0.0
    title: str = ""
    normalised_rating: str = ""
    claimant: str = ""


@dataclass(frozen=True)
class Match:
    """A candidate with its 0-100 similarity to the query.

    `rank_bonus` is what the ranking adds to the score to order matches (priors such as
    the query's speaker having made the claim, named in `explanation["prior"]`); the
    score itself stays the calibrated same-claim chance. Not saved: saved matches keep
    their order instead."""

    candidate: Candidate
    score: float
    explanation: dict = field(default_factory=dict)
    rank_bonus: float = 0.0


@dataclass(frozen=True)
class VerdictChange:
    """One row of a claim's append-only verdict history."""

    id: int
    claim_id: int
    verdict: str | None
    note: str
    checker: str
    at: str
    previous_verdict: str | None
    previous_note: str


@dataclass(frozen=True)
class VerdictRecord:
    """Everything a report needs about one judged claim."""

    claim_id: int
    claim_text: str
    verdict: str
    note: str
    checker: str
    at: str
    article_id: int
    article_title: str
    article_url: str
    article_source: str
    article_published: str
    best_match_text: str = ""
    best_match_source: str = ""
    best_match_url: str = ""
    best_match_rating: str = ""
    best_match_score: float | None = None
    evidence: tuple[str, ...] = ()
    # Distinct sources agreeing with the claim (same claim, rated true or unrated) and
    # disputing it (same claim rated false, or holding another value for its core).
    corroborating_sources: int = 0
    earliest_seen: str = ""
    claim_speaker: str = ""
    disputing_sources: int = 0


@dataclass(frozen=True)
class Evidence:
    id: int
    claim_id: int
    url: str
    checker: str
    added_at: str


@dataclass(frozen=True)
class VerdictClash:
    """A claim whose stored verdict (or note) another checker changed after this checker
    saw it."""

    claim_id: int
    seen: str | None  # what this checker's desk showed
    wanted: str | None  # what this checker pressed
    stored: str | None  # what the other checker set
    stored_by: str
    stored_at: str
    stored_note: str = ""
    # A clash of notes (the verdicts above are then the stored one): the note this
    # checker's desk showed when they began editing, and the note they wrote.
    seen_note: str | None = None
    wanted_note: str | None = None

    @property
    def of_notes(self) -> bool:
        return self.wanted_note is not None


@dataclass(frozen=True)
class ReviewSide:
    """One side of a disagreement: a claim's verdict and who gave it."""

    claim_id: int
    claim_text: str
    verdict: str | None
    checker: str
    note: str = ""
    article_title: str = ""


@dataclass(frozen=True)
class ReviewItem:
    """A claim the editor's review queue lists. `kind` is "marked" (a checker asked for
    review), "checkers" (two checkers gave it different verdicts) or "duplicates" (a
    near-duplicate claim in another article has a different verdict); `other` is the
    second side (None for a claim marked with no verdict proposed)."""

    kind: str
    side: ReviewSide
    other: ReviewSide | None
    requested_by: str = ""
