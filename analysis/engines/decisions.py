"""Decisions stated in sentences: rejections, withdrawals, and whether an offer is the reader's.

Fixed phrases miss most real rejections: people write a negation and a decision word with
titles, adjectives and asides between them ("we will not be progressing your candidacy for
the Senior Data Engineer (Platform) opening at this stage"). So the text is split into
sentences and clauses, and read as words:

* a **negated decision**: a decision predicate (select, progress, proceed, consider, match,
  fit, offer, advance, ...) with a negator (not, no longer, unable, isn't, won't, ...) at
  most ``WINDOW`` words before it in the same clause, in a sentence that speaks to the reader
  ("you", "your application"): "incomplete applications will not be considered" is a rule
  for everyone, not a decision about the reader;
* a **closed job**: a job noun with a closing participle after an auxiliary ("the requisition
  has been closed", "the vacancy was filled internally"), or "we have filled the role";
* **someone else chosen**: a choosing verb followed by a third party ("the team has gone with
  a candidate whose ...", "an offer has been made to another applicant");
* **regret with a negation** about the application ("I'm sorry to say your name isn't on
  the shortlist");
* a **withdrawal**: the reader's own request (you asked, at your request, per your note)
  with a removal (withdrawn, removed, out of consideration).

A clause that is hypothetical (if, unless, should, may, ...) or a question states nothing.
Only texts holding one of the trigger words are tokenised at all, which keeps the rules fast.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from analysis.engines import decision_words as w
from analysis.engines.triggers import Scan

# How many words a negator may stand before its predicate ("not be progressing your ...").
WINDOW = 8
# How many words after a choosing verb its third party may come ("gone with a candidate").
OTHERS_WINDOW = 7

_BOUNDARY = re.compile(r"[.!?]\s")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[.!?;:]")
_CLAUSE_BREAKS = frozenset((";", ":", "but", "however", "although", "though", "whereas"))

# Triggers whose rules all need the reader in the sentence ("you", "your").
_READER_BOUND = (w.NEGATORS | w.SELF_NEGATED | w.REGRET | {"t"}) - w.CLOSING - w.CHOOSING
# A rare word of each request mark, to find the sentences that may hold one.
_REQUEST_STARTS = frozenset(
    ("asked", "requested", "request", "per", "following", "decided", "decision", "wish",
     "accepted", "letting", "withdrawn", "withdrew")
)  # fmt: skip
# Every word the detector can start from: a text without one of them is not tokenised.
# (Contractions split into "isn" + "t" in a scan's words, hence "t".)
TRIGGERS = (
    w.NEGATORS
    | w.SELF_NEGATED
    | w.CLOSING
    | w.CHOOSING
    | w.REGRET
    | _REQUEST_STARTS
    | w.COMPARATIVES
    | {"withdraw", "withdrawn", "t"}
) - {"no"}


@dataclass(frozen=True, slots=True)
class Decisions:
    """What the sentences of one text decide."""

    rejections: int = 0  # sentences that reject the reader
    withdrawals: int = 0  # sentences that confirm the reader's own withdrawal


NONE = Decisions()


def read(scan: Scan) -> Decisions:
    """Return the decisions stated in the text of ``scan``.

    Only the sentences around a trigger word are tokenised: a job email holds a handful.
    """
    present = TRIGGERS.intersection(scan.words)
    if not present:
        return NONE
    low = scan.low
    ends = _sentence_ends(low)
    spans: dict[int, int] = {}  # sentence number → the kinds of trigger in it
    for word in present:
        kind = _KIND_OF.get(word, _ANY)
        literal = "n't" if word == "t" else word
        for at in scan.find(literal, word != "t"):
            after = low[at + len(literal) : at + len(literal) + 1]
            if after.isalnum() or after == "'":
                continue  # "notify" is no "not"
            number = bisect.bisect_right(ends, at)
            spans[number] = spans.get(number, 0) | kind
    rejections = withdrawals = 0
    seen = set()  # boilerplate repeats its sentences: read each once
    for number in sorted(spans):
        start = ends[number - 1] + 1 if number else 0
        text = low[start : ends[number] if number < len(ends) else len(low)]
        if text in seen or text.endswith("?") or not _worth_reading(text, spans[number]):
            continue  # a question decides nothing
        seen.add(text)
        sentence = _TOKEN.findall(text)
        if not _REQUEST_STARTS.isdisjoint(sentence) and _withdrawal(sentence):
            withdrawals += 1
        elif _rejects(sentence):
            rejections += 1
    return Decisions(rejections, withdrawals)


def _sentence_ends(text: str) -> list[int]:
    """Return where each sentence of ``text`` ends: after a ``_BOUNDARY`` mark, in order.

    The same places as ``_BOUNDARY.finditer``, found with ``str.find``: the regex would be
    tried at every position of the text, and a sentence mark is rare.
    """
    ends = []
    last = len(text) - 1
    for mark in ".!?":
        at = text.find(mark, 0, last)
        while at >= 0:
            if text[at + 1].isspace():
                ends.append(at + 1)
            at = text.find(mark, at + 1, last)
    ends.sort()
    return ends


# What a trigger word can start: a rule that needs the reader or writer (negations, regret),
# a withdrawal request, or anything else (closing, choosing, comparing).
_READER_KIND, _REQUEST_KIND, _ANY = 1, 2, 4


def _kind(word: str) -> int:
    if word in _READER_BOUND:
        return _READER_KIND
    if word in _REQUEST_STARTS and word not in w.CLOSING | w.CHOOSING | w.COMPARATIVES:
        return _REQUEST_KIND
    return _ANY


def _worth_reading(text: str, kinds: int) -> bool:
    """Return whether a sentence with these kinds of trigger can decide anything (cheap
    checks on its text before it is tokenised)."""
    if kinds & _ANY:
        return True
    if kinds & _READER_KIND and ("you" in text or "we" in text or "i " in text):
        return True  # the reader or the writer may be named
    return bool(kinds & _REQUEST_KIND and w.REMOVAL.search(text))


def _clauses(sentence: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = []
    current: list[str] = []
    for token in sentence:
        if token in _CLAUSE_BREAKS:
            clauses.append(current)
            current = []
        else:
            current.append(token)
    clauses.append(current)
    return [clause for clause in clauses if clause]


def _rejects(sentence: list[str]) -> bool:
    # Which rules can apply at all: most sentences need none of them.
    negated = (
        not (w.NEGATORS.isdisjoint(sentence) and w.SELF_NEGATED.isdisjoint(sentence))
        # a negation decides only with a decision word or regret beside it
        and not (
            w.PREDICATES.isdisjoint(sentence)
            and w.SELF_NEGATED.isdisjoint(sentence)
            and w.REGRET.isdisjoint(sentence)
        )
        and _about_reader(sentence)
    )
    closing = not w.CLOSING.isdisjoint(sentence)
    choosing = not (w.CHOOSING.isdisjoint(sentence) and w.COMPARATIVES.isdisjoint(sentence))
    # "unfortunately [we] are going in a direction that better fits our needs": regret with
    # a comparison, even in a sentence that also counts the many applications received.
    regretful = not w.REGRET.isdisjoint(sentence) and not w.COMPARATIVES.isdisjoint(sentence)
    if not (negated or closing or choosing or regretful):
        return False
    for clause in _clauses(sentence):
        if not w.CONDITIONALS.isdisjoint(clause):
            continue
        if negated and (_negated_decision(clause) or _regret(clause, sentence)):
            return True
        if regretful and _regretted_comparison(clause, sentence):
            return True
        if (closing and _closed_job(clause)) or (choosing and _others_chosen(clause)):
            return True
    return False


def _about_reader(sentence: list[str]) -> bool:
    """Return whether a sentence can decide about the reader: it names them, or the writer
    decides and no group ("late applications", "applicants") is what the sentence is about."""
    if not w.READER.isdisjoint(sentence):
        return True
    return not w.WRITER.isdisjoint(sentence) and w.GROUP_NOUNS.isdisjoint(sentence)


def _negated_decision(clause: list[str]) -> bool:
    for at, word in enumerate(clause):
        if word in w.SELF_NEGATED:
            if clause[at + 1 : at + 2] and clause[at + 1] in w.GROUP_NOUNS:
                continue  # "unsuccessful applicants will not be contacted": a rule for all
            return True
        if word not in w.PREDICATES or not _directed(clause, at) or _names_a_thing(clause, at):
            continue
        before = clause[max(0, at - WINDOW) : at]
        if _negation_in(before) and w.ABSORBERS.isdisjoint(before):
            return True
    return False


def _names_a_thing(clause: list[str], at: int) -> bool:
    """Return whether the predicate word is a noun's modifier ("the hiring team")."""
    return clause[at] in w.MODIFIERS and clause[at + 1 : at + 2] in w.MODIFIED


def _directed(clause: list[str], at: int) -> bool:
    if clause[at] not in w.NEEDS_DIRECTION:
        return True
    after = clause[at + 1 : at + 6]
    for i, word in enumerate(after):
        if word in w.DIRECTIONS:
            # "you don't need to take any further action" directs nothing
            return after[i + 1 : i + 2] not in (["action"], ["steps"], ["information"])
    return False


def _negation_in(words: list[str]) -> bool:
    for at, word in enumerate(words):
        if word in w.NEGATORS or word.endswith(("n't", "n’t")):
            if word == "not" and words[at + 1 : at + 2] == ["only"]:
                continue  # "not only ... but also"
            if word == "no" and words[at + 1 : at + 2] not in (["longer"], ["further"]):
                continue  # "no" negates a noun ("no fit") only as a verb's object; rare
            return True
    return False


def _regret(clause: list[str], sentence: list[str]) -> bool:
    if w.REGRET.isdisjoint(sentence) or w.APPLICATION_WORDS.isdisjoint(sentence):
        return False
    at = next(i for i, word in enumerate(sentence) if word in w.REGRET)
    if sentence[at + 1 : at + 2] in (["for"], ["about"]):
        return False  # "sorry for the delay" regrets something else
    if _negation_in(sentence[max(0, at - 1) : at]):
        return False  # "don't regret it later", "you won't regret it": no regret, no decision
    return _negation_in(clause)


def _regretted_comparison(clause: list[str], sentence: list[str]) -> bool:
    return (
        not (w.READER.isdisjoint(sentence) and w.WRITER.isdisjoint(sentence))
        and not w.COMPARATIVES.isdisjoint(clause)
        and not w.SUITS.isdisjoint(clause)
    )


def _closed_job(clause: list[str]) -> bool:
    for at, word in enumerate(clause):
        if word not in w.CLOSING:
            continue
        # The job noun may stand a title away: "the position you applied for, Data
        # Acquisition Coordinator, has been filled".
        before = clause[max(0, at - 10) : at]
        if word != "filled" and not w.ADVERTS.isdisjoint(before):
            continue
        # "the vacancy was filled", "the requisition has been closed", "put on hold"
        if not w.JOB_NOUNS.isdisjoint(before) and (
            word == "hold" or not w.AUXILIARIES.isdisjoint(clause[max(0, at - 3) : at])
        ):
            return True
        # "we have filled the role"
        if word in ("filled", "closed", "cancelled") and "we" in clause[max(0, at - 3) : at]:
            return not w.JOB_NOUNS.isdisjoint(clause[at + 1 : at + 5])
    return False


def _others_chosen(clause: list[str]) -> bool:
    for at, word in enumerate(clause):
        if (
            word in w.CHOOSING
            and not _negation_in(clause[max(0, at - 4) : at])
            and _names_someone_else(clause[at + 1 : at + 1 + OTHERS_WINDOW])
        ):
            return True
    # "other candidates were a closer match", "the panel felt others were stronger"
    return _names_someone_else(clause) and not w.COMPARATIVES.isdisjoint(clause)


def _names_someone_else(words: list[str]) -> bool:
    if not w.SOMEONE_ELSE.isdisjoint(words):
        return True
    for i, word in enumerate(words[:-1]):
        following = words[i + 1 : i + 3]
        if word in w.OTHERS and not (
            w.PEOPLE.isdisjoint(following) and w.COURSES.isdisjoint(following)
        ):
            return True  # "another applicant", "a different candidate", "another way"
        if word in w.PEOPLE and words[i + 1] in w.WHOSE and i and words[i - 1] in ("a", "with"):
            return True  # "gone with a candidate whose experience ..."
    return False


def _withdrawal(sentence: list[str]) -> bool:
    text = " ".join(sentence)
    if not w.REMOVAL.search(text) or not w.HEDGES.isdisjoint(sentence):
        return False
    return any(mark in text for mark in w.REQUEST_MARKS)


def addressed_to_reader(text: str, start: int) -> bool:
    """Return whether the cue at ``start`` of ``text`` acts on the reader, as stated.

    Not when its sentence is negated before it ("we are unable to extend you an offer"), is
    hypothetical ("if you are selected for an interview"), or speaks of third parties and not
    of the reader ("an offer has been made to another applicant", "shortlisted applicants will
    be contacted to arrange interviews").
    """
    head, whole = _sentence_around(text, start)
    clause = _clauses(head)[-1] if head else []
    if _negation_in(clause[-WINDOW:]) or not w.HEDGES.isdisjoint(clause):
        return False
    if w.READER.isdisjoint(whole):
        return not (_names_someone_else(whole) or not w.GROUP_NOUNS.isdisjoint(whole))
    # "you" in a sentence about others: "other applicants, not you, ..." is rare; but
    # "an offer has been made to another applicant" beside "thank you" is not.
    return not _others_chosen(whole)


def about_a_group(text: str, start: int) -> bool:
    """Return whether the rejection phrase at ``start`` states a rule for a group of
    applicants, not a decision about the reader ("applicants who do not meet the criteria
    will not be contacted")."""
    head, whole = _sentence_around(text, start)
    return w.READER.isdisjoint(whole) and not w.GROUP_NOUNS.isdisjoint(head)


def _sentence_around(text: str, start: int) -> tuple[list[str], list[str]]:
    """Return the words of the sentence holding ``start``: those before it, and all."""
    begin = max(0, start - 300)
    ends = [m.end() for m in _BOUNDARY.finditer(text, begin, start)]
    head = _TOKEN.findall(text[ends[-1] if ends else begin : start].lower())
    found = _BOUNDARY.search(text, start, start + 300)
    rest = _TOKEN.findall(text[start : found.start() if found else start + 300].lower())
    return head, head + rest


_KIND_OF = {word: _kind(word) for word in TRIGGERS}
