"""Check-worthiness of a sentence: a score in [0, 1] and the reasons behind it.

`score_sentence(text)` finds the signals fact-checkers look for (after Full Fact's claim
types): a quantity or statistic, a date, a named person/organisation/place doing something,
an attribution, a comparison, a cause, a prediction, a law or rule, a past event, the topics
checkers pick from (harm, health, crime, money) and a sweeping claim; and the signals that
lower it: a question, an opinion without a checkable core, an imperative, a greeting, a very
short fragment. A tweet is scored without its links, @handles, emoji, retweet signature and
closing hashtags (`scoring_text`). The score comes from the shipped model (`ingest.model`: a
logistic regression over the sentence's words, word pairs and these signals, averaged with an
NBSVM over the same features; see `ingest/model/train.py`); without the model file, from the
signals alone, with weights and `THRESHOLD` fitted by `bench/checkworthiness.py --fit` (see
`FITTED_ON`). Two rules follow the model (`apply_rules`): sourced, counted or dated past
actions of named actors are lifted to the threshold ("reported event"); bare counts of
routine events, vaccine doses given, are lowered to just above it ("routine count"): still
verifiable claims, checked last. The reasons
listed with each score are the signals found, the one whose weight moved the score most first.

`score_transcript(lines)` scores the `(speaker, text)` lines of a debate or interview: each
line as a sentence, lowered for the moderator, for speakers who mostly ask questions and for
minor speakers, raised for claims the transcript repeats and for sweeping claims.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from ingest.model import load_model, lowered, lowered_tokens, tokens

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Single words are looked up in one table built from these lists (`_LIST_BITS`: one pass over
# the sentence's words); only phrases need regular expressions, and run only when one of their
# words is there. This keeps scoring at a few microseconds per sentence.
_QUANTITY_WORDS = _words(
    """hundred hundreds thousand thousands million millions billion billions trillion trillions dozen
    dozens percent percentage half third quarter twice double doubled doubles triple tripled quadrupled
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty
    seventy eighty ninety majority minority average rate rates ratio figure figures statistic
    statistics number numbers"""
)
_DATE_WORDS = _words(
    """january february march april june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday yesterday decade decades century centuries
    since ago"""
)
_DATE_PHRASES = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.? \d|last (?:year|month|week|decade|century|night)"
    r"|this (?:year|month|week)|in the (?:\d0s|past)|\d\d?(?::\d\d)? ?[ap]\.?m\b)"
)
_ATTRIBUTION_WORDS = _words(
    """said says told claim claims claimed report reports reported state stated states announced
    announces announcing confirmed confirms denies denied alleged alleges alleging revealed admitted
    insisted insists warned estimate estimated source sources official officials spokesman
    spokeswoman spokesperson statement study studies survey poll research data census document
    documents"""
)
_COMPARISON_WORDS = _words(
    """more less fewer higher lower larger smaller bigger greater better worse faster slower than
    compared most least first only record increase increased increases increasing decrease decreased
    decreases decreasing rise risen rising rose fell fall fallen falling grew grow grown growing drop
    dropped doubled tripled halved cut up down surge surged plunge plunged decline declined"""
)
_NOT_SUPERLATIVE = _words("interest protest honest request suggest west rest test guest manifest arrest forest harvest")
_CAUSATION_WORDS = _words("because cause caused causes causing blame blamed blames prevent prevents cure cures trigger triggers")
_CAUSATION_PHRASES = re.compile(
    r"\b(?:due to|led to|leads? to|result(?:ed|s)? (?:in|of|from)|as a result|thanks to|responsible for|linked to"
    r"|associated with|reduces? the risk|so that)\b"
)
_PREDICTION_WORDS = _words("will won't shall expects expect forecast forecasts predict predicts predicted projected future")
_PREDICTION_PHRASES = re.compile(
    r"\b(?:going to|expected to|plans? to|is set to|next (?:year|month|week|decade)|by 20\d\d|in the coming)\b"
)
_LAW_WORDS = _words(
    """law laws act bill legal illegal unlawful ban bans banned regulation regulations rule rules ruled
    constitution constitutional court judge legislation legislative legislature mandate mandated
    mandates require requires required prohibit prohibits prohibited allowed permitted tax taxes
    treaty agreement ceasefire sanction sanctions veto vetoed signed vote voted votes passed policy
    amendment"""
)
_PAST_WORDS = _words(
    """was were had did killed died lost won launched released destroyed attacked arrested elected
    created built closed opened invaded fired joined spent paid raised received sent founded declared"""
)
_PAST_PHRASES = re.compile(r"\b(?:has|have) been\b")
# The words a phrase of each pattern above holds: its search runs only when one is among the
# sentence's words (a set look-up), which spares most sentences a regular expression each.
_DATE_PHRASE_WORDS = _words("last this past")
_CAUSATION_PHRASE_WORDS = _words("due led lead leads result resulted results as thanks responsible linked associated risk so")
_PREDICTION_PHRASE_WORDS = _words("going expected plan plans set next by coming")
_OPINION_PHRASE_WORDS = _words("i i'd my we ought it's let's let")
_DIGIT = re.compile(r"\d")
# The topics fact-checkers pick claims on (harms, health, crime, money): words, not phrases.
_HARM_WORDS = _words(
    """kill killed kills killing died dead death deaths dying die dies injured injuries wounded victim victims
    attack attacks attacked bomb bombs bombing shooting shootings shot violence violent war wars abuse abused
    poison poisoned toxic damage damaged disaster destroyed massacre genocide terror terrorist terrorists
    terrorism harm harmed suicide famine starving flood floods"""
)
_HEALTH_WORDS = _words(
    """vaccine vaccines vaccinated vaccination virus viruses covid coronavirus cancer disease diseases hospital
    hospitals doctor doctors health healthcare medicare medicaid drug drugs infection infections infected cure
    cures treatment patients patient mortality pandemic epidemic flu autism obesity abortion abortions
    medicine medical nurses surgery symptoms immune immunity mask masks"""
)
_CRIME_WORDS = _words(
    """crime crimes criminal criminals murder murders murdered arrested arrest prison prisons jail jailed
    fraud stole stolen steal stealing corruption corrupt bribe bribes bribery convicted charged indicted
    police gang gangs smuggling trafficking rape robbery guilty lied lies scam scandal prosecuted felony"""
)
_MONEY_WORDS = _words(
    """dollar dollars tax taxes taxed budget budgets deficit deficits debt debts spending spend spent cost costs
    paid pay pays salary salaries wage wages income incomes economy economic jobs job unemployment inflation
    price prices money funding funded fund funds revenue revenues trade tariff tariffs billion billions
    trillion trillions million millions profit profits subsidies subsidy pension pensions welfare"""
)
# Words that begin a sentence without naming anyone: a capitalised first word other than these,
# followed by a verb, is a named actor ("Hunter got ...", "Pfizer admitted ...").
_NOT_NAMED_STARTS = _words(
    """the a an and but or so if when while because after before as at in on of for to from with by this that
    these those there here it its he she they we you i his her their our your my what which who why how where
    then now today yesterday tomorrow well yes no not all some many most every each one two three no nobody
    everyone everybody someone somebody people let please thank thanks just also still only even however
    meanwhile indeed instead again although though since until unless whether"""
)
_ACTION_WORDS = _words(
    """said says told got gets has had was is did does voted votes made makes wants wanted called calls
    signed admitted claimed claims lied paid took takes gave gives won lost sent ran runs went knew knows
    never always supported supports opposed opposes promised promises cut raised"""
)
# A count of routine events (vaccine doses given, tests run) with nothing else to check: true or
# false, nobody checks a tally of jabs. Fact-checkers pick what a count is said to show.
_ROUTINE_COUNT_WORDS = _words(
    "dose doses jab jabs shots vaccinations vaccinated administered inoculated appointments"
)
# Words that make a count of doses a claim about what they do.
_EFFECT_WORDS = _words("effective efficacy safe unsafe safety risk risks side protection protects protect works")
_AUXILIARIES = _words("is are was were has have had will would can could did does do")
_OPINION_WORDS = _words(
    """should must great terrible wonderful horrible awful disgrace disgraceful shameful beautiful
    amazing fantastic ridiculous absurd outrageous love hate important proud sad pathetic"""
)
_OPINION_PHRASES = re.compile(
    r"\b(?:i think|i believe|i feel|i hope|i wish|i want|i'd like|in my (?:opinion|view)|we (?:need|must|should|have) to"
    r"|ought to|it's time|let's|let us)\b"
)
_IMPERATIVE_WORDS = _words(
    """let look go join click read watch vote call tell stop imagine think remember don't please see
    check share subscribe follow sign get help make take give listen consider note ask try keep
    support download visit find"""
)
_GREETING = re.compile(
    r"^\W*(?:thank you|thanks|hello|hi|hey|good (?:morning|afternoon|evening|night)|welcome|congratulations|goodbye"
    r"|(?:\(|\[)?(?:applause|laughter|crosstalk|inaudible|cheers|booing)(?:\)|\])?|okay|ok|yes|no|well|sure|right)\b"
)
_QUESTION_ENDS = ("?", '?"', "?\u201d", "?'")
_QUANTITY_CHARS = re.compile(r"[\d%$£€¥]")
# A number standing on its own, or a currency or percent sign: not the digits of a name ("COVID-19", "G7").
_NUMBER = re.compile(r"(?<![\w-])\d|[%$£€¥]")
# A capitalised word after the first word, or an acronym: a named person, organisation or place.
_NAMED = re.compile(r"(?<=[\s(\"'“‘-])(?:[A-Z][a-z]+|[A-Z]{2,}|[A-Z]\.[A-Z]\.)")
_NOT_NAMES = frozenset("I I'm I've I'll I'd OK Mr Mrs Ms Dr The A An And But So".split())
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Weights of each signal (log-odds) and the bias; fitted by `bench/checkworthiness.py --fit`.
WEIGHTS: dict[str, float] = {
    "quantity": 1.626,
    "date": 0.681,
    "named entity with action": 0.665,
    "attribution": 0.536,
    "comparison": 0.516,
    "causation": 0.264,
    "prediction": -0.168,
    "law or rule": 0.664,
    "past event": 0.721,
    "question": -1.381,
    "opinion": -0.888,
    "imperative": -1.049,
    "greeting": -0.702,
    "too short": -0.583,
}
BIAS = -2.224
# Used only when the model file is absent; maximises the mean F1 of the two fitting sets (0.739).
THRESHOLD = 0.28
FITTED_ON = "CheckThat! 2022 1B train and three quarters of ClaimBuster 2.5xNCS (sentence_id % 4 != 0)"

# Signals that make a sentence more check-worthy, in the order reasons are listed.
POSITIVE = ("quantity", "date", "named entity with action", "attribution", "comparison",
            "causation", "prediction", "law or rule", "past event", "harm", "health", "crime", "money",
            "sweeping claim")
NEGATIVE = ("question", "opinion", "imperative", "greeting", "too short")
# Every reason that lowers a score: the signals above and the rule for routine counts.
LOWERING = (*NEGATIVE, "routine count")
SHORT_WORDS = 5


class Assessment(NamedTuple):
    score: float
    checkworthy: bool
    # The signals found, the one that moved the score most first (`contributions` says by how much).
    reasons: tuple[str, ...]
    # Each reason's change of the log-odds, in the order of `reasons`.
    contributions: tuple[float, ...] = ()


# Tweets wrap their words in links, @handles, #hashtags and emoji: none of them is a claim, and
# whether a post carries them says nothing about whether its words are worth checking.
_RETWEET = re.compile(r"^\s*RT\b:?\s*(?:@\w+\s*:?\s*)?")
_LINK_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.])@\w+")
# The hashtags closing a post: two or more, or any after the sentence has ended ("... say. #news");
# a single one ending a sentence ("cases rose in #Ohio.") is one of its words.
_TRAILING_TAGS = re.compile(r"(?:(?<=[.!?:;\u2026])|(?=(?:\s*#\w+){2}))(?:\s*#\w+)+[\s\W]*$")
_HASH = re.compile(r"#\s*(?=\w)|(?<!\w)#(?!\w)")
# Emoji, pictographs, flags, variation selectors and joiners.
_EMOJI = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d"
                    "\U0001f000-\U0001faff\U000e0020-\U000e007f]+")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#39);")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_SPACES = re.compile(r"\s{2,}")
_TWEET_MARKS = re.compile("[#@&/]")


def scoring_text(text: str) -> str:
    """`text` as it is scored: without a retweet signature ("RT @user:"), links, @handles, emoji,
    the run of hashtags that ends a post, and the "#" of a hashtag inside a sentence (its word
    stays: "#Measles outbreaks are rising" is a claim about measles)."""
    # Each substitution runs only when the text holds what it removes (searching is the cheaper):
    # most sentences of articles hold none of it.
    if text.isascii() and not _TWEET_MARKS.search(text):
        return text
    if text.lstrip().startswith("RT"):
        text = _RETWEET.sub("", text, count=1)
    if "@" in text or "://" in text or "www." in text:
        text = _LINK_OR_HANDLE.sub(" ", text)
    if not text.isascii() and _EMOJI.search(text):
        text = _EMOJI.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group()], text)
    if "#" in text:
        text = _HASH.sub("", _TRAILING_TAGS.sub("", text))
    return (_SPACES.sub(" ", text) if _SPACES.search(text) else text).strip()


def signals(text: str) -> tuple[str, ...]:
    """The names of every signal present in `text`, positive ones first."""
    lower = lowered(text)
    return _signals(text, lower, _WORD.findall(lower))


def _signals(text: str, lower: str, sequence: list[str]) -> tuple[str, ...]:
    """`signals(text)`, given `lowered(text)` and its words (`_WORD`), in order."""
    words = set(sequence)
    get = _LIST_BITS.get
    met = 0  # one bit per word list a word of the sentence is in
    for word in words:
        met |= get(word, 0)
    found: list[str] = []
    # A number or a currency sign is among `_QUANTITY_CHARS`: the plain search rules most sentences out.
    if met & _QUANTITY_BIT or (_QUANTITY_CHARS.search(text) and _NUMBER.search(text)):
        found.append("quantity")
    if met & _DATE_BIT or ((met & _DATE_PHRASE_BIT or _DIGIT.search(lower)) and _DATE_PHRASES.search(lower)):
        found.append("date")
    inflected = [w for w in words if len(w) > 4 and w.endswith(("ed", "es"))]
    if (
        (inflected or met & _AUXILIARY_BIT or any(w[-1] == "s" for w in words))
        and not _NOT_NAMES.issuperset(_NAMED.findall(text))
    ) or _named_first(text, sequence):
        found.append("named entity with action")
    if met & _ATTRIBUTION_BIT or "according to" in lower:
        found.append("attribution")
    if met & _COMPARISON_BIT or ("est" in lower and any(
        len(w) > 4 and w.endswith("est") and w not in _NOT_SUPERLATIVE for w in words
    )):
        found.append("comparison")
    if met & _CAUSATION_BIT or (met & _CAUSATION_PHRASE_BIT and _CAUSATION_PHRASES.search(lower)):
        found.append("causation")
    if met & _PREDICTION_BIT or (met & _PREDICTION_PHRASE_BIT and _PREDICTION_PHRASES.search(lower)):
        found.append("prediction")
    if met & _LAW_BIT:
        found.append("law or rule")
    if met & _PAST_BIT or any(w.endswith("ed") for w in inflected) or ("been" in words and _PAST_PHRASES.search(lower)):
        found.append("past event")
    if met & _HARM_BIT:
        found.append("harm")
    if met & _HEALTH_BIT:
        found.append("health")
    if met & _CRIME_BIT:
        found.append("crime")
    if met & _MONEY_BIT or "$" in text or "\u00a3" in text or "\u20ac" in text:
        found.append("money")
    if met & _SWEEPING_BIT or "no one" in lower:
        found.append("sweeping claim")
    if text.rstrip().endswith(_QUESTION_ENDS):
        found.append("question")
    if met & _OPINION_BIT or (met & _OPINION_PHRASE_BIT and _OPINION_PHRASES.search(lower)):
        found.append("opinion")
    if sequence and (sequence[0] in _IMPERATIVE_WORDS or lower.lstrip().startswith("do not ")):
        found.append("imperative")
    count = len(sequence)
    if count < 12 and _GREETING.match(lower):
        found.append("greeting")
    if count < SHORT_WORDS and count + len(_QUANTITY_CHARS.findall(text)) < SHORT_WORDS:
        found.append("too short")
    return tuple(found)


def _signal_words(lower: str, tokens: list[str]) -> list[str]:
    """The words `_WORD` finds in `lower`, taken from its model `tokens` (the same words, with
    numbers and signs between them) unless a link or @handle, one token there, holds some."""
    if "@" in lower or "://" in lower or "www." in lower:
        return _WORD.findall(lower)
    return [token for token in tokens if token[0].isalpha()]


def _named_first(text: str, sequence: list[str]) -> bool:
    """A sentence opening on a name and a verb: "Hunter got thrown out", "Pfizer admitted it"."""
    if len(sequence) < 3 or not text[:1].isupper() or sequence[0] in _NOT_NAMED_STARTS:
        return False
    second = sequence[1]
    return second in _ACTION_WORDS or (len(second) > 3 and second.endswith("ed"))


def rule_logit(found: tuple[str, ...]) -> float:
    """Log-odds from the signals alone, with the fitted signal weights."""
    return BIAS + sum(WEIGHTS.get(name, 0.0) for name in found)


def score_sentence(text: str) -> Assessment:
    """Score one sentence for check-worthiness; `reasons` lists the signals that were found,
    the one whose weight moved the score most first.

    Links, @handles, emoji, a retweet signature and a closing run of hashtags are left out
    (`scoring_text`). The shipped model (`ingest.model`) adds the evidence of the sentence's
    words to the signals; without it the signal weights alone decide.
    """
    clean = scoring_text(text)
    lower = lowered(clean)
    model = load_model()
    if model is not None:
        words = lowered_tokens(lower)
        found = _signals(clean, lower, _signal_words(lower, words))
        logit, threshold = model.logit(clean, found, words), model.threshold
        weight = model.signal_weights.get
        weights = [weight(name, 0.0) for name in found]
    else:
        found = _signals(clean, lower, _WORD.findall(lower))
        logit, threshold = rule_logit(found), THRESHOLD
        weights = [WEIGHTS.get(name, 0.0) for name in found]
    score = _probability(logit)
    ruled, found = apply_rules(score, found, threshold, clean)
    if ruled != score:
        weights.append(_logit(ruled) - logit)
        score = ruled
    score = round(min(1.0, max(0.0, score)), 4)
    reasons, contributions = by_contribution(found, weights)
    return Assessment(score, score >= threshold, reasons, contributions)


def apply_rules(score: float, found: tuple[str, ...], threshold: float, text: str) -> tuple[float, tuple[str, ...]]:
    """The model's `score` after the two rules, with their reason added when one applies: a
    reported event is lifted to the threshold (`apply_reported_event_rule`); a routine count
    (`routine_count`) is lowered to just above it.

    A tally of doses given is a verifiable claim (CheckThat! 2022 1B labels it one) that
    fact-checkers leave for last: it stays flagged but ranks below every claim the rules leave
    alone. `text` is the scoring text (`scoring_text`)."""
    if score < threshold:
        return apply_reported_event_rule(score, found, threshold, text)
    if routine_count(text, found):
        # Still a verifiable claim, so still flagged; ranked in the band just above the threshold
        # (below every claim the rules leave alone), keeping the model's order within the band.
        return threshold + 0.01 * score, found + ("routine count",)
    return score, found


def by_contribution(reasons: Sequence[str], changes: Sequence[float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """`reasons` and their log-odds `changes`, the largest change (either way) first; ties keep their order."""
    if len(reasons) < 2:
        return tuple(reasons), tuple(changes)
    sizes = list(map(abs, changes))
    order = sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)  # stable, as sorted is
    return tuple(reasons[i] for i in order), tuple(changes[i] for i in order)


def _probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


_ROUTINE_SUBSTANCE = frozenset({"harm", "crime", "causation", "law or rule", "money", "opinion"})


def routine_count(text: str, found: tuple[str, ...]) -> bool:
    """A bare count of routine events: doses given, shots administered, tests run, and nothing a
    fact-checker would weigh (no harm, crime, cause, rule, money nor effect of the doses)."""
    if "quantity" not in found or not _ROUTINE_SUBSTANCE.isdisjoint(found):
        return False
    words = set(_WORD.findall(text.lower()))
    return not words.isdisjoint(_ROUTINE_COUNT_WORDS) and words.isdisjoint(_EFFECT_WORDS)


_REPORTED_EVENT_SUPPORT = frozenset({"attribution", "quantity", "date"})
# Speech and posts about oneself or one's listener ("we passed", "you voted") are what the
# training data covers; the rule is for third-person reports only.
_PERSONAL = frozenset("i i'm i've i'd i'll me my we we're we've our us you you're your".split())


def apply_reported_event_rule(score: float, found: tuple[str, ...], threshold: float,
                              text: str) -> tuple[float, tuple[str, ...]]:
    """A named actor's past action, sourced, counted, dated or naming three actors or more, is
    check-worthy whatever the words.

    News reports of events ("Clashes were reported in Tell Salmo ...") are rare in the debate
    and tweet training data, and full of names the model has never seen; this rule lifts
    third-person reports (no I/we/you, no links or @handles) to the threshold. Its first,
    broader form was kept after looking at CheckThat! 2022 1B dev and lowered the
    cross-validated F1 of both training sets; this narrower form was chosen on those
    cross-validated predictions alone (CheckThat! 2022 train 0.801 -> 0.804, ClaimBuster
    0.756 -> 0.761, against 0.805 and 0.762 without any rule). `bench/extraction.py` also
    reports the model without the rule.
    """
    present = set(found)
    if (
        score < threshold
        and {"named entity with action", "past event"} <= present
        and (present & _REPORTED_EVENT_SUPPORT or _named_actors(text) >= 3)
        and not present & {"question", "opinion", "imperative"}
        and "http" not in text
        and "@" not in text
    ):
        lower = text.lower()
        if "\u2019" in lower:
            lower = lower.replace("\u2019", "'")
        if _PERSONAL.isdisjoint(_WORD.findall(lower)):
            # Keep the order of the model's scores among lifted sentences, just above the threshold.
            return threshold + 0.01 * score, found + ("reported event",)
    return score, found


def _named_actors(text: str) -> int:
    """How many different capitalised names follow the first word ("by Turkey, Iran and Russia")."""
    return len(set(_NAMED.findall(text)) - _NOT_NAMES)


def threshold() -> float:
    """The score from which a sentence counts as check-worthy (the model's, else the rules')."""
    model = load_model()
    return model.threshold if model is not None else THRESHOLD


# --- transcripts -------------------------------------------------------------------------
# Lines of audience reactions and stage directions, not a speaker's words.
_REACTION_SPEAKERS = frozenset({"system", "audience", "unidentified male", "unidentified female"})
# A speaker needs this many lines to be taken for the moderator (fewer questions prove nothing).
MODERATOR_MIN_LINES = 10


class TranscriptRoles(NamedTuple):
    moderator: str | None
    share_gap: dict[str, float]  # each speaker's share of lines minus the main speaker's share (at most 0)
    # Each speaker's share of lines that are questions (smoothed towards the transcript's own
    # share), minus the lowest such share: 0 for the speaker asking fewest, about 0.2 for a moderator.
    question_excess: dict[str, float]


# Lines of prior weight pulling a speaker's share of questions towards the transcript's share,
# so that someone with three lines, one a question, is not taken for an interviewer.
QUESTION_PRIOR_LINES = 5


def transcript_roles(speakers: Sequence[str], texts: Sequence[str]) -> TranscriptRoles:
    """Who moderates (the speaker with the highest share of questions) and each speaker's shares.

    Fact-checkers check what the main speakers claim, not the set-ups of moderators and
    interviewers (debates often have three or four) nor the remarks of someone who speaks twice;
    `share_gap` is 0 for the main speaker (the moderator aside) and below 0 for those
    speaking less; `question_excess` is above 0 for
    those who ask more questions than the speaker asking fewest.
    """
    lines: Counter[str] = Counter(speakers)
    total = len(speakers)
    questions: Counter[str] = Counter(s for s, t in zip(speakers, texts) if t.rstrip().endswith(_QUESTION_ENDS))
    # People, not "[Applause]" lines nor the audience.
    voices = {s: n for s, n in lines.items() if s.strip().lower() not in _REACTION_SPEAKERS}
    speaking = [s for s, n in voices.items() if n >= 0.03 * total]
    candidates = [(questions[s] / n, s) for s, n in voices.items() if n >= MODERATOR_MIN_LINES]
    moderator = None
    if len(speaking) > 1 and candidates:
        ratio, candidate = max(candidates)
        moderator = candidate if ratio > 0 else None
    # Measured against the main speaker other than the moderator, who often speaks most.
    largest = max((n for s, n in voices.items() if s != moderator), default=max(lines.values(), default=0))
    gap = {s: min(0.0, (n - largest) / total) for s, n in lines.items()} if total else {}
    overall = sum(questions.values()) / total if total else 0.0
    share = {s: (questions[s] + QUESTION_PRIOR_LINES * overall) / (n + QUESTION_PRIOR_LINES)
             for s, n in lines.items()}
    lowest = min((share[s] for s in voices), default=0.0)
    excess = {s: max(0.0, value - lowest) for s, value in share.items()}
    return TranscriptRoles(moderator, gap, excess)


# Words too common to show that two lines make the same claim.
_FUNCTION_WORDS = _words(
    """the and but for with from are was were been being its this that these those you your she they him
    her them his our their have has had does did not than just very can could would should will what
    which who whom whose when where why how all any some there then here about out into over also more most
    only other such own same too don now well going get got know think really people want say said like
    thing things lot one way right yes look let"""
)
# A word in more lines than this is the topic of the whole transcript, not a repeated claim.
REPEAT_MAX_LINES = 20
# Only a line's rarest words are looked up: this bounds the work per line (hostile input of long
# lines made of words repeated a few times each), and leaves 12 of CheckThat! 2020's 42,776 lines
# with fewer than all their words looked up.
REPEAT_MAX_WORDS = 32


def repetition(texts: Sequence[str]) -> list[float]:
    """For each line, its largest overlap with another line of the same transcript, in [0, 1].

    The overlap is a weighted Jaccard index of the two lines' content words (three letters or
    more, not function words), each word weighing log(lines / lines holding it), counted only
    through words found in at most `REPEAT_MAX_LINES` lines (the line's `REPEAT_MAX_WORDS`
    rarest words): sharing a rare name or figure says more than sharing a common verb.
    Speakers hammer on the claims they care about, and fact-checkers check what is repeated
    (CheckThat! 2020 marks every line that makes a checked claim). Lines of fewer than two
    content words get 0, and so does a word found in every line.
    """
    content = [frozenset(w for w in tokens(text) if len(w) > 2 and w.isalpha() and w not in _FUNCTION_WORDS)
               for text in texts]
    lines_with: dict[str, list[int]] = {}
    for i, words in enumerate(content):
        for w in words:
            lines_with.setdefault(w, []).append(i)
    weight = {w: math.log(len(texts) / len(lines)) for w, lines in lines_with.items()}
    # math.fsum: the same sums whatever the order sets are walked in (string hashing varies).
    mass = [math.fsum(weight[w] for w in words) for words in content]
    # The weight of each line's words found in more lines than the limit: they add to the union
    # of two lines but are never looked up, so a pair sharing none of them needs no set operation.
    common = [math.fsum(weight[w] for w in words if len(lines_with[w]) > REPEAT_MAX_LINES) for words in content]
    out = [0.0] * len(texts)
    for i, words in enumerate(content):
        if len(words) < 2:
            continue
        shared: dict[int, float] = {}
        for count, w in sorted((len(lines_with[w]), w) for w in words)[:REPEAT_MAX_WORDS]:
            if count > REPEAT_MAX_LINES:
                break
            value = weight[w]
            for j in lines_with[w]:
                shared[j] = shared.get(j, 0.0) + value
        shared.pop(i, None)
        best = 0.0
        for j, overlap in shared.items():
            # The shared weight is `overlap` at least, `overlap` plus the lesser common weight at most.
            union = mass[i] + mass[j] - overlap
            smallest = union - min(common[i], common[j])
            if smallest <= 0.0 or overlap / smallest <= best:
                continue
            if common[i] and common[j]:
                union = math.fsum(weight[w] for w in words | content[j])
            if union > 0.0 and overlap / union > best:
                best = overlap / union
        out[i] = best
    return out


# Sweeping claims: absolutes ("never", "always", "everyone", "no one") and superlatives ("the
# biggest", "the first", "ever", "a record"). Fact-checkers pick them from speeches: in
# CheckThat! 2020 transcripts a line holding one is checked about twice as often as the others,
# and raising them lifted the held-out-transcript MAP on every sentence-model seed tried (see
# `ingest/model/train.py`). Not applied to single sentences: whether a sentence states a
# checkable fact does not depend on them (raising them lowered the cross-validated F1 of the
# sentence sets), only which of many claims a checker picks first.
_SWEEPING = re.compile(
    r"\b(?:never|always|nobody|everybody|everyone|no one|all|every|biggest|largest|highest|lowest|worst|best"
    r"|first|ever|record|only|most|least)\b",
    re.IGNORECASE,
)


_SWEEPING_WORDS = _words(
    "never always nobody everybody everyone all every biggest largest highest lowest worst best first ever record only most least"
)

# Each word of the lists the signals look for, with one bit per list holding it: one look-up per
# word of a sentence tells every list the sentence meets (`_signals`).
_WORD_LISTS = (
    _QUANTITY_WORDS, _DATE_WORDS, _DATE_PHRASE_WORDS, _AUXILIARIES, _ATTRIBUTION_WORDS, _COMPARISON_WORDS,
    _CAUSATION_WORDS, _CAUSATION_PHRASE_WORDS, _PREDICTION_WORDS, _PREDICTION_PHRASE_WORDS, _LAW_WORDS,
    _PAST_WORDS, _HARM_WORDS, _HEALTH_WORDS, _CRIME_WORDS, _MONEY_WORDS, _SWEEPING_WORDS, _OPINION_WORDS,
    _OPINION_PHRASE_WORDS,
)
(
    _QUANTITY_BIT, _DATE_BIT, _DATE_PHRASE_BIT, _AUXILIARY_BIT, _ATTRIBUTION_BIT, _COMPARISON_BIT, _CAUSATION_BIT,
    _CAUSATION_PHRASE_BIT, _PREDICTION_BIT, _PREDICTION_PHRASE_BIT, _LAW_BIT, _PAST_BIT, _HARM_BIT, _HEALTH_BIT,
    _CRIME_BIT, _MONEY_BIT, _SWEEPING_BIT, _OPINION_BIT, _OPINION_PHRASE_BIT,
) = (1 << bit for bit in range(len(_WORD_LISTS)))
_LIST_BITS: dict[str, int] = {}
for _bit, _list in enumerate(_WORD_LISTS):
    for _word in _list:
        _LIST_BITS[_word] = _LIST_BITS.get(_word, 0) | 1 << _bit
del _bit, _list, _word


def sweeping(text: str) -> bool:
    """Whether `text` makes a sweeping claim: an absolute or superlative word (see `_SWEEPING`)."""
    return _SWEEPING.search(text) is not None


def transcript_adjustments(speakers: Sequence[str], texts: Sequence[str],
                           weights: dict[str, float]) -> list[tuple[float, tuple[str, ...], tuple[float, ...]]]:
    """For each line, the change of log-odds its speaker's roles and its repetition bring, why, and
    the part of the change behind each reason.

    `weights`: "moderator" (added once for the moderator's lines), "speaker share" (times the
    share gap), "questions" (times the question excess), "repeated claim" (times
    `repetition`, the line's overlap with another line) and "sweeping claim" (added once to a
    line that `sweeping` finds); absent weights count as 0.
    """
    roles = transcript_roles(speakers, texts)
    moderator_weight = weights.get("moderator", 0.0)
    share_weight = weights.get("speaker share", 0.0)
    question_weight = weights.get("questions", 0.0)
    repeat_weight = weights.get("repeated claim", 0.0)
    sweeping_weight = weights.get("sweeping claim", 0.0)
    repeats = repetition(texts) if repeat_weight else [0.0] * len(texts)
    out = []
    for speaker, text, repeat in zip(speakers, texts, repeats):
        share = share_weight * roles.share_gap[speaker]
        asking = question_weight * roles.question_excess[speaker]
        change = share + asking
        reasons: list[tuple[str, float]] = []
        if speaker == roles.moderator and (moderator_weight or asking <= -0.5):
            change += moderator_weight
            reasons.append(("moderator", moderator_weight + asking))
        elif asking <= -0.5:
            reasons.append(("asks questions", asking))
        if share <= -0.5:
            reasons.append(("minor speaker", share))
        lift = repeat_weight * repeat
        if lift:
            change += lift
            if lift >= 0.5:
                reasons.append(("repeated claim", lift))
        if sweeping_weight and sweeping(text):
            change += sweeping_weight
            if sweeping_weight >= 0.5:
                reasons.append(("sweeping claim", sweeping_weight))
        out.append((change, tuple(name for name, _ in reasons), tuple(value for _, value in reasons)))
    return out


def score_transcript(lines: Sequence[tuple[str, str]]) -> list[tuple[float, tuple[str, ...]]]:
    """Score each `(speaker, text)` line of one transcript, in order: `(score, reasons)` per line.

    Each line is scored as a sentence (`score_sentence`), then lowered when its speaker is the
    moderator (the speaker asking the most questions), asks questions more often than the
    speaker asking fewest (interviewers, co-moderators) or speaks much less than the main
    speaker; the reasons then say "moderator", "asks questions" or "minor speaker". A line
    that another line of the transcript largely repeats (`repetition`) is raised, with the
    reason "repeated claim", and so is a sweeping claim (`sweeping`: "never", "the biggest
    ever"), with the reason "sweeping claim". The weights come from the shipped model (fitted
    on CheckThat! 2020 transcripts, see `ingest/model/train.py`); without the model, lines keep
    their sentence scores. A score is comparable with `threshold()`: only repeated and sweeping
    claims are raised, by at most the sum of those two weights in log-odds.
    """
    return [(a.score, a.reasons) for a in assess_transcript(lines)]


def assess_transcript(lines: Sequence[tuple[str, str]]) -> list[Assessment]:
    """`score_transcript`'s score and reasons for each line, and whether it is check-worthy:
    as a sentence, or once raised to the threshold (a repeated or sweeping claim).

    The roles order the lines, as fact-checkers pick from a debate, but never hide a claim
    the sentence alone would show: in a two-candidate debate the one who speaks less still
    makes claims worth a look, lower in the list.
    """
    speakers = [speaker for speaker, _ in lines]
    texts = [text for _, text in lines]
    model = load_model()
    weights = model.transcript_weights if model is not None else {}
    limit = threshold()
    results = []
    for text, (change, role_reasons, role_changes) in zip(texts, transcript_adjustments(speakers, texts, weights)):
        assessment = score_sentence(text)
        score = assessment.score
        if change:
            score = round(_probability(_logit(score) + change), 4)
        parts = dict(zip(assessment.reasons, assessment.contributions))
        for name, value in zip(role_reasons, role_changes):
            parts[name] = parts.get(name, 0.0) + value  # a sweeping sentence is raised again in a speech
        reasons, contributions = by_contribution(list(parts), list(parts.values()))
        results.append(Assessment(score, assessment.checkworthy or score >= limit, reasons, contributions))
    return results


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-6), 1.0 - 1e-6)
    return math.log(probability / (1.0 - probability))
