"""Matching: FTS query safety, score properties, explanations and conflict flags."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchers import (
    DEFAULT_MIN_SCORE,
    build_fts_query,
    explain,
    find_matches,
    rank_candidates,
)
from store.models import Candidate, ReferenceDraft


def candidates(*texts: str, bm25: float = 0.0) -> list[Candidate]:
    return [Candidate(id=i, kind="reference", text=t, bm25=bm25) for i, t in enumerate(texts)]


def score_of(query: str, text: str) -> float:
    return rank_candidates(query, candidates(text), min_score=0)[0].score


# -- FTS query ---------------------------------------------------------------------


def test_query_quotes_each_informative_term_and_ors_them() -> None:
    query = build_fts_query("The vaccine causes autism in children")
    terms = query.split(" OR ")
    assert set(terms) == {'"vaccine"', '"causes"', '"autism"', '"children"'}


@pytest.mark.parametrize("text", ["", "   ", "the of and", "!!! ??? ...", "\u200b\u200b"])
def test_query_is_empty_when_nothing_is_informative(text: str) -> None:
    assert build_fts_query(text) == ""


def test_query_respects_max_terms() -> None:
    text = " ".join(f"word{i}" for i in range(100))
    assert len(build_fts_query(text, max_terms=8).split(" OR ")) == 8
    assert build_fts_query(text, max_terms=0) == ""


@pytest.mark.parametrize(
    "text",
    ['NEAR(a b)', 'a AND OR NOT b', 'vacc*', '"unbalanced', 'col:value', '^start', 'a + b',
     '(((', "don't", 'x"y"z', '-- DROP TABLE claims; --', 'ＮＥＡＲ', '中文句子。第二句！'],
)
def test_fts_syntax_in_the_claim_is_never_interpreted(memory_store, text: str) -> None:
    memory_store.add_reference_claims([ReferenceDraft(text="NEAR and vacc and value start")])
    memory_store.search_candidates(build_fts_query(text), 10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_text_gives_a_query_sqlite_accepts(memory_store, text: str) -> None:
    query = build_fts_query(text)
    memory_store.search_candidates(query, 5)  # raises StoreError on invalid FTS5 syntax


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_gives_a_query_raw_fts5_accepts(text: str) -> None:
    query = build_fts_query(text)
    if not query:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('some text')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", [query]).fetchall()


# -- scores --------------------------------------------------------------------------


def test_identical_text_scores_100() -> None:
    assert score_of("Vaccines cause autism.", "Vaccines cause autism.") == 100
    assert score_of("Vaccines cause autism.", "vaccines CAUSE “autism”") == 100


def test_zero_width_character_does_not_change_the_score() -> None:
    assert score_of("vac\u200bcine", "vaccine") == 100
    assert score_of("The vac\u200bcine works", "The vaccine works") == 100


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120), st.lists(st.text(max_size=120), min_size=1, max_size=6),
       st.lists(st.floats(min_value=-30, max_value=0), min_size=6, max_size=6))
def test_scores_are_within_bounds_and_sorted(query: str, texts: list[str], bm25s: list[float]) -> None:
    pool = [Candidate(id=i, kind="reference", text=t, bm25=b) for i, (t, b) in enumerate(zip(texts, bm25s))]
    matches = rank_candidates(query, pool, limit=10, min_score=0)
    scores = [m.score for m in matches]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert set(matches[0].explanation) == {"shared", "only_query", "only_match", "conflicts"} if matches else True


def test_ties_keep_the_input_order() -> None:
    pool = candidates("the moon is made of cheese", "the moon is made of cheese", "moon cheese")
    matches = rank_candidates("the moon is made of cheese", pool, min_score=0)
    assert [m.candidate.id for m in matches[:2]] == [0, 1]
    assert rank_candidates("the moon is made of cheese", pool, min_score=0) == matches


def test_closer_paraphrase_scores_higher() -> None:
    query = "Drinking bleach cures the coronavirus"
    pool = candidates(
        "Tourists can visit the moon next year",
        "Drinking bleach can cure coronavirus infections",
        "Bleach is used for cleaning",
    )
    matches = rank_candidates(query, pool, min_score=0)
    assert matches[0].candidate.id == 1
    assert matches[0].score >= DEFAULT_MIN_SCORE
    assert matches[-1].score < DEFAULT_MIN_SCORE


def test_bm25_is_fused_into_the_score() -> None:
    same_text = "Bill Gates wants to microchip people through vaccines"
    pool = [
        Candidate(id=1, kind="reference", text=same_text + " now", bm25=-2.0),
        Candidate(id=2, kind="reference", text=same_text + " now", bm25=-10.0),
    ]
    matches = rank_candidates(same_text, pool, min_score=0)
    assert [m.candidate.id for m in matches] == [2, 1]
    assert matches[0].score > matches[1].score


def test_min_score_and_limit() -> None:
    pool = candidates(*(f"claim number {i} about the budget" for i in range(20)))
    assert len(rank_candidates("budget claim", pool, limit=3, min_score=0)) == 3
    assert rank_candidates("budget claim", pool, min_score=100.1) == []
    assert rank_candidates("budget claim", [], min_score=0) == []


def test_very_long_inputs_are_truncated_for_the_scorers() -> None:
    long_text = "word " * 100_000 + "end"
    matches = rank_candidates(long_text, candidates(long_text, "word word word"), min_score=0)
    assert matches[0].score == 100


# -- explanations and conflicts ----------------------------------------------------


def test_explanation_lists_shared_and_one_sided_words() -> None:
    explanation = explain("Drinking bleach cures coronavirus", "Drinking bleach cures the flu quickly")
    assert explanation["shared"] == ["drinking", "bleach", "cures"]
    assert explanation["only_query"] == ["coronavirus"]
    assert explanation["only_match"] == ["flu", "quickly"]
    assert explanation["conflicts"] == []


def kinds(query: str, text: str) -> list[str]:
    return [flag["kind"] for flag in explain(query, text)["conflicts"]]


def test_number_conflict_for_the_same_thing() -> None:
    flags = explain("Iran killed 15 troops at the base", "Iran killed 50 troops at the base")["conflicts"]
    assert {"kind": "number", "query": "15", "match": "50"} in flags


def test_number_formats_are_not_a_conflict() -> None:
    assert kinds("The wall cost 1,200 dollars", "The wall cost 1.2k dollars") == []


def test_date_conflict() -> None:
    assert kinds("The law passed in 2015", "The law passed in 2016") == ["date"]
    assert kinds("Elections were held in March", "Elections were held in November") == ["date"]
    assert kinds("The law passed in 2015", "The law passed in 2015") == []


def test_negation_on_one_side_only() -> None:
    flags = explain("The vaccine causes autism", "The vaccine does not cause autism")["conflicts"]
    assert flags == [{"kind": "negation", "query": "causes", "match": "not cause"}]
    assert kinds("Masks don't work", "Masks do not work") == []


def test_entity_conflict_in_the_same_role() -> None:
    flags = explain("Obama signed the bill into law", "Trump signed the bill into law")["conflicts"]
    assert flags == [{"kind": "entity", "query": "obama", "match": "trump"}]
    assert kinds("The senate was told by Pelosi", "The senate was told by Schumer") == ["entity"]


@pytest.mark.parametrize(("short", "long"), [
    ("Militants killed at least 15 SAA troops and destroyed a BMP vehicle.",
     "Militants killed at least 15 Syrian Arab Army troops and destroyed a BMP vehicle."),
    ("The FBI arrested three men in Ohio.", "The Federal Bureau of Investigation arrested three men in Ohio."),
])
def test_an_acronym_and_its_words_are_one_name(short: str, long: str) -> None:
    assert kinds(short, long) == []
    assert kinds(long, short) == []


def test_a_different_acronym_is_still_a_different_name() -> None:
    assert kinds("The FBI arrested three men in Ohio.", "The CIA arrested three men in Ohio.") == ["entity"]
    assert kinds("The FBI arrested three men in Ohio.", "The Federal Reserve arrested three men in Ohio.") == ["entity"]


# Same topic, a different checkable core: a number, a date, a negation, the actor.
CORE_CONFLICT_PAIRS = [
    ("The army sent 15 troops to Syria", "The army sent 50 troops to Syria"),
    ("The bridge collapsed in 2019", "The bridge collapsed in 2021"),
    ("The vaccine was approved by the FDA", "The vaccine was not approved by the FDA"),
    ("Biden banned travel from China", "Trump banned travel from China"),
]


@pytest.mark.parametrize(("query", "other"), CORE_CONFLICT_PAIRS)
def test_pairs_differing_in_their_core_are_not_the_same_claim(query: str, other: str) -> None:
    identical, differing = rank_candidates(query, candidates(query, other), min_score=0)
    assert identical.score == 100 and not identical.explanation["conflicts"]
    assert differing.explanation["conflicts"]
    assert differing.score < identical.score


# -- find_matches, corroboration, verdict ---------------------------------------------


def test_find_matches_searches_the_store_and_reranks(memory_store) -> None:
    memory_store.add_reference_claims(
        [
            ReferenceDraft(text="5G towers spread the coronavirus", source="Snopes", rating="False"),
            ReferenceDraft(text="The coronavirus was made in a laboratory", source="PolitiFact"),
            ReferenceDraft(text="Paris is the capital of France", source="Atlas"),
        ]
    )
    seen: list[tuple[str, int]] = []

    def search(fts_query: str, pool: int) -> list[Candidate]:
        seen.append((fts_query, pool))
        return memory_store.search_candidates(fts_query, pool)

    matches = find_matches("Do 5G towers spread coronavirus?", search, pool=50)
    assert seen and seen[0][1] == 50 and '"towers"' in seen[0][0]
    assert matches[0].candidate.text == "5G towers spread the coronavirus"
    assert all(m.candidate.text != "Paris is the capital of France" for m in matches)
    assert find_matches("the of and", search) == []


def test_document_frequency_orders_terms_rarest_first() -> None:
    shares = {"vaccine": 900, "autism": 1, "children": 300, "causes": 0}
    lookup = lambda terms: {t: shares.get(t, 0) for t in terms}  # noqa: E731
    query = build_fts_query("The vaccine causes autism in children", document_frequency=lookup)
    # "causes" is held by no claim as written: last, not dropped (the index stems words)
    assert query.split(" OR ") == ['"autism"', '"children"', '"vaccine"', '"causes"']
    assert build_fts_query("The vaccine causes autism", max_terms=1, document_frequency=lookup) == '"autism"'


def test_document_frequency_drops_common_terms_beyond_the_rarest() -> None:
    from matchers.query import COMMON_TERM_COUNT, MIN_SEARCH_TERMS

    words = [f"rare{i}" for i in range(MIN_SEARCH_TERMS)] + ["common", "frequent"]
    shares = {w: i + 1 for i, w in enumerate(words)}
    shares["common"] = COMMON_TERM_COUNT + 1
    shares["frequent"] = COMMON_TERM_COUNT
    terms = build_fts_query(" ".join(words), document_frequency=lambda ts: shares).split(" OR ")
    assert '"common"' not in terms and '"frequent"' in terms
    assert len(terms) == MIN_SEARCH_TERMS + 1
    # but a claim made only of common words still searches them
    few = build_fts_query("common", document_frequency=lambda ts: shares)
    assert few == '"common"'


def test_threshold_separates_a_paraphrase_from_a_same_topic_claim() -> None:
    query = "Nancy Pelosi said the border wall is immoral"
    pool = [
        Candidate(id=1, kind="reference", text="Pelosi called the border wall immoral", bm25=-9.0),
        Candidate(id=2, kind="reference", text="The border wall will cost 25 billion dollars", bm25=-4.0),
        Candidate(id=3, kind="reference", text="Pelosi visited the border in March", bm25=-3.5),
    ]
    scores = {m.candidate.id: m.score for m in rank_candidates(query, pool, min_score=0)}
    assert scores[1] >= DEFAULT_MIN_SCORE > max(scores[2], scores[3])
    kept = rank_candidates(query, pool)  # the default threshold applies
    assert [m.candidate.id for m in kept] == [1]


def test_shortlist_keeps_the_candidate_sharing_the_query_words_among_many():
    query = "The governor vetoed 14 education bills in March"
    fillers = [
        Candidate(kind="reference", id=i, text=f"Filler claim number {i} about weather", bm25=-1.0)
        for i in range(1, 80)
    ]
    same = Candidate(kind="reference", id=99, text="Governor vetoed 14 education bills in March", bm25=-0.2)
    pool = fillers[:60] + [same] + fillers[60:]
    ranked = rank_candidates(query, pool, limit=3, min_score=0, shortlist=10)
    assert ranked[0].candidate.id == 99
    assert len(ranked) == 3


def test_shortlist_never_keeps_fewer_candidates_than_the_limit():
    pool = [Candidate(kind="reference", id=i, text=f"claim {i} on taxes", bm25=-1.0) for i in range(1, 21)]
    ranked = rank_candidates("claim on taxes", pool, limit=8, min_score=0, shortlist=2)
    assert len(ranked) == 8


# -- bylines and generic words -------------------------------------------------------


def titled(id: int, text: str, title: str, bm25: float) -> Candidate:
    return Candidate(id=id, kind="reference", text=text, title=title, bm25=bm25)


SIGNED_TWEET = (
    "The lake behind the dam froze solid in the middle of a July heat wave, "
    "the rangers say. pic.twitter.com/abc123 — Maria Kowalczyk (@MariaKowalczyk) July 9, 2019"
)


def test_a_signature_name_does_not_lift_an_unrelated_claim_about_its_author() -> None:
    about_author = titled(1, "Maria Kowalczyk resigned from the city council in 2018.",
                          "Did Maria Kowalczyk Resign From the Council?", -9.0)
    about_content = titled(2, "A lake froze solid during a July heat wave.",
                           "Did a Lake Freeze Solid in a July Heat Wave?", -7.0)
    filler = titled(3, "A dam was built on the river in 1950.", "Was the Dam Built in 1950?", -3.0)
    scores = {m.candidate.id: m.score for m in rank_candidates(SIGNED_TWEET, [about_author, about_content, filler], min_score=0)}
    assert scores[2] > scores[1]
    assert scores[1] < DEFAULT_MIN_SCORE


def test_a_claim_naming_the_tweets_author_is_still_found() -> None:
    # Who posted is often who the fact-check is about: the byline's words still count,
    # and decide between two claims that share the tweet's content alike.
    tweet = "Rural healthcare should be expensive. — Jackson Kernion (@JacksonKernion) November 5, 2019"
    named = titled(1, "Jackson Kernion wrote that rural healthcare should be expensive.",
                   "Did an Instructor Say Rural Healthcare Should Be Expensive?", -8.0)
    unnamed = titled(2, "A senator wrote that rural healthcare should be expensive.",
                     "Did a Senator Say Rural Healthcare Should Be Expensive?", -8.0)
    matches = rank_candidates(tweet, [named, unnamed], min_score=0)
    assert matches[0].candidate.id == 1


def test_generic_words_alone_do_not_make_a_match() -> None:
    # Words most candidates share ("woman", "press conference") weigh little against
    # the rare ones the store's BM25 already prefers; the rerank must not undo that.
    query = "A woman at a press conference said the senator took bribes from a casino"
    generic = titled(1, "A woman fainted at a press conference.",
                     "Did a Woman Faint at a Press Conference?", -6.0)
    specific = titled(2, "A senator took bribes from a casino owner.",
                      "Did a Senator Take Casino Bribes?", -8.0)
    others = [titled(3 + i, f"A woman was {verb} at a press conference.", f"Was a Woman {verb.title()}?", -4.0)
              for i, verb in enumerate(["dancing", "singing", "crying", "laughing"])]
    matches = rank_candidates(query, [generic, specific, *others], min_score=0)
    assert matches[0].candidate.id == 2
