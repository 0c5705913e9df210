"""The words the decision detector (``decisions``) reads: negators, decision predicates,
closings, choices, regret, the reader and the writer, and the reader's own requests.

Lists of inflections rather than phrases: the detector combines them by position in a
sentence, so a new phrasing of a known mechanism needs no new entry.
"""

from __future__ import annotations

import re

NEGATORS = frozenset(
    """
    not no never cannot unable nor isn't aren't wasn't weren't won't wouldn't can't couldn't
    don't doesn't didn't haven't hasn't hadn't shouldn't mustn't against
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
# Words that carry their own negation ("your application was unsuccessful").
SELF_NEGATED = frozenset(("unsuccessful", "declined", "rejected"))
# A third-party noun right after these is not the reader ("unsuccessful applicants will ...").
GROUP_NOUNS = frozenset(("applicants", "candidates", "applications", "submissions"))

# Decision predicates, every inflection a decision is written in.
PREDICATES = frozenset(
    """
    select selected selecting selection progress progressing progressed proceed proceeding
    proceeded consider considered considering consideration match matched matching fit fits
    fill filled close closed pursue pursuing pursued extend extending offer offering offered
    continue continuing continued advance advancing advanced shortlist shortlisted invite
    inviting invited retain retained successful succeed choose chose chosen choosing hire
    meet meets qualify qualified eligible suitable
    hiring take taking go going move moving moved
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
# A negation of these does not reach a decision after them: "participation will not have any
# impact on you being considered", "it doesn't mean you're not a great fit".
ABSORBERS = frozenset(
    """
    impact effect affect affects influence mean means meaning necessarily reflect reflects
    reflection indication hesitate
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
# Predicates that can modify a noun: "the hiring team", "the selection process".
MODIFIERS = frozenset(("hiring", "selection", "offer", "closing", "matching"))
MODIFIED = tuple(
    [noun]
    for noun in (
        "team", "manager", "managers", "process", "committee", "panel", "decision", "needs",
        "criteria", "letter", "details", "date", "event", "events",
    )
)  # fmt: skip
# These decide only with a direction after them ("take your application further").
NEEDS_DIRECTION = frozenset(("take", "taking", "go", "going", "move", "moving", "moved"))
DIRECTIONS = frozenset(("forward", "further", "ahead", "on"))

JOB_NOUNS = frozenset(
    """
    position role vacancy opening requisition req post posting job opportunity search
    positions roles vacancies openings opportunities postings jobs
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
CLOSING = frozenset(("filled", "closed", "cancelled", "canceled", "frozen", "withdrawn", "hold"))
# An advert closes when its deadline passes and the review begins: only "filled" decides.
ADVERTS = frozenset(("posting", "postings", "advert", "advertisement", "ad"))
AUXILIARIES = frozenset(("has", "have", "was", "were", "is", "been", "be", "now", "had"))

CHOOSING = frozenset(
    """
    selected chosen chose choose hired appointed offered gone went decided proceed proceeding
    continue continuing progress progressing pursue pursuing given awarded offer moving move
    opted opt elected appoint hire
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
OTHERS = frozenset(("another", "other", "different"))  # before a person noun or a way
SOMEONE_ELSE = frozenset(("someone", "others", "colleague", "internally", "internal"))
COMPARATIVES = frozenset(("closer", "closely", "better", "stronger"))
# "we have decided to go another way": a choice of another course, not of another person.
COURSES = frozenset(("way", "direction", "route", "path"))
# Words of suitability: "a closer match", "better suits", "more closely aligned".
SUITS = frozenset(
    """
    match matches matched fit fits fitted suit suits suited align aligns aligned meet meets
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
# "a candidate whose experience ..." names someone else without "other".
WHOSE = frozenset(("whose", "who", "with"))
PEOPLE = frozenset(
    """
    candidate candidates applicant applicants finalist finalists profile profiles person
    individual individuals colleague
    """.split()  # noqa: SIM905 -- a word list reads best as text
)

REGRET = frozenset(
    ("unfortunately", "regret", "regrettably", "sadly", "afraid", "sorry", "regretfully")
)
APPLICATION_WORDS = (
    frozenset(
        """
    application applications candidacy candidature profile cv resume shortlist interview offer
    position role post vacancy process
    """.split()  # noqa: SIM905 -- a word list reads best as text
    )
    | PREDICATES
)

HEDGES = frozenset(("if", "unless", "should", "may", "might", "whether", "once", "until", "when"))
# What makes a decision hypothetical; "may" and "might" only soften one ("the credentials of
# other candidates may better fit our needs").
CONDITIONALS = HEDGES - {"may", "might"}
# The writer deciding: "we've made the decision not to move forward" speaks of the reader
# without naming them.
WRITER = frozenset(("we", "we've", "we're", "we'll", "we'd", "i", "i've", "i'm", "i'd", "our"))
READER = frozenset(("you", "your", "you're", "you've", "yours", "you'll"))

# The candidate's own request ...
REQUEST_MARKS = (
    "you asked",
    "you requested",
    "your request",
    "you have requested",
    "you've requested",
    "as requested",
    "as you asked",
    "per your note",
    "per your message",
    "per your email",
    "following your message",
    "following your email",
    "following your note",
    "following your call",
    "you decided",
    "you've decided",
    "you have decided",
    "your decision",
    "you wish",
    "you've accepted",
    "you have accepted",
    "letting us know",
    "you have withdrawn",
    "you've withdrawn",
    "you withdrew",
)
# ... and the removal it asked for.
REMOVAL = re.compile(
    r"\b(?:withdr[ae]wn?|withdraw(?:al|ing)?|removed?|out of consideration|cancell?ed"
    r"|closed? your|step back|no longer (?:be )?considered)\b"
)
