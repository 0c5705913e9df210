"""Which company an email is about.

Every source of a name (the subject's wording, the sender's display name, "at <Company>" in
the body, the sign-off, the ATS tenant or sender domain) proposes candidates with a weight;
candidates that name the same company add up, and the heaviest wins. A candidate that the
sender's domain or ATS tenant spells (``crowdstrike@myworkday.com`` → "CrowdStrike") gains
most, because that is the hardest evidence an email carries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from analysis.engines import vocab
from analysis.engines.base import EmailInput, cap, name_cache
from analysis.engines.names import NAME, SENTENCE_STARTS, compile_table, triggered_table
from analysis.engines.people import (
    CLOSING_LINE,
    matches_slug,
    names_one_of,
    organisation,
    signers,
    squash,
)
from analysis.engines.rule_text import Text

# (weight, pattern): the pattern's group "c" is a company.
_SUBJECT_COMPANY = (
    (
        9,
        r"(?i:your application was sent to|your update from|application (?:to|at|with)|applying"
        r" (?:to|at|with)|applied (?:to|at|with)|thank(?:s| you) for applying (?:to|at|with)"
        r"|thank(?:s| you) for your (?:interest in|application (?:to|at|with))|thank you from"
        r"|update from(?: an?)?|message from|congratulations from|offer from|news from|careers? at"
        r"|interest in|interview (?:with|at)|welcome to|join|joining|next steps with|regarding"
        r" your application (?:to|at|with)|your candidacy (?:at|with)|decision from)"
        # Not across " at ": "application to <Position> at <Company>" names the company after.
        r" (?P<c>(?:(?! at )[^|:!?,])+?)(?:[!?.,:|]| - |\s\(|$)",
    ),
    (8, rf"(?i:\bat) (?P<c>{NAME})\s*(?:[!?.|]|\s-\s|$)"),
    # "Complete your video interview for Acme": a step of the process for the employer (a
    # title there holds a role word, which no employer's name does: ``_acceptable``).
    (
        7,
        rf"(?i:interview|assessment|challenge|exercise|test|screening|call) (?i:for) (?P<c>{NAME})"
        r"\s*(?:[!?.|]|\s-\s|$)",
    ),
    (8, rf"^(?P<c>{NAME})\s*(?:[-:|]|//)\s"),
    (6, rf"\s[-|]\s(?P<c>{NAME})\s*$"),
    (3, rf"^(?P<c>{NAME})"),
    (
        7,
        rf"(?i:your|update on your|regarding your|from) (?:(?i:recent|new|online) )?(?P<c>{NAME})"
        r" (?i:application|job application|offer|interview|candidacy|assessment|coding"
        r" challenge|technical assessment|careers application)",
    ),
    (
        6,
        rf"^(?P<c>{NAME})(?:'s)? (?i:interview|coding challenge|employment offer|careers"
        r"|application)",
    ),
    # A document to sign named for its employer: "Please DocuSign: Acme Offer Letter - Alex".
    (
        7,
        rf"(?:^|: )(?P<c>{NAME})(?:'s)? (?i:offer letter|offer of employment|employment"
        r" (?:agreement|contract)|offer package)\b",
    ),
)
_BODY_COMPANY = (
    (
        7,
        rf"(?i:position|role|opening|opportunity|job|internship|program|team|career|careers"
        rf"|employment|journey|here|family|everyone|all of us|working|recruiter) (?i:at|with)"
        rf" (?P<c>{NAME})",
    ),
    (
        7,
        rf"(?i:applying|applied|application|apply|interest|interested|submission) (?i:to|at|with|in"
        rf"|in joining|in working at|in working for|in a career at|in a career with|in employment"
        rf" with|in career opportunities with|in career opportunities at) (?P<c>{NAME})",
    ),
    (
        6,
        rf"(?i:on behalf of|join|joining|welcome to|sent to|thanks from|greetings from)"
        rf" (?P<c>{NAME})",
    ),
    # An agency's recruiter names the employer as its client ("with our client, Umbrella
    # Health"): more than the agency's name in the display name and the domain together.
    (10, rf"(?i:our|my) (?i:client),? (?P<c>{NAME})"),
    (
        6,
        rf"(?i:the|your) (?P<c>{NAME}) (?i:talent acquisition|recruiting|recruitment|hiring"
        r"|people|careers|hr) (?i:team|group)",
    ),
)
# A letterhead: a name alone on the body's first line, perhaps with its careers site's word.
_LETTERHEAD = re.compile(rf"(?P<c>{NAME})(?: (?i:careers|jobs|recruiting|talent acquisition))?\.?")
# A mail client's link that heads a body as text: "View in Browser", "Open in your browser".
_WEB_VIEW = re.compile(r"(?i:view|open|read)\b")
# The department that signs recruiting mail.
_FUNCTION = (
    r"(?i:(?:the )?(?:recruitment|resourcing|recruiting|hr|human resources|people(?: and| &)"
    r" culture|people|talent(?: acquisition)?|personnel|hiring)(?: team| department| division"
    r"| shared services| office| group)?|office of human resources|hr department)"
)
# Matched against whole sign-off lines.
_SIGNATURE_COMPANY = (
    (
        5,
        rf"(?i:the )?(?P<c>{NAME}) (?i:talent acquisition|recruiting|recruitment|hiring team"
        r"|careers|hr|people|human resources)(?: (?i:team|group))?",
    ),
    (3, rf"(?i:the )?(?P<c>{NAME}) (?i:team)"),
)
# Every department _FUNCTION names holds one of these words.
_DEPARTMENT_WORDS = frozenset(
    """
    recruitment resourcing recruiting hr human people talent personnel hiring office
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
# "Resourcing Team, Department of Rural Affairs", "HR Shared Services, Northfield ...", alone
# on a line or ending one ("All the best, Resourcing Team, ..."): a department signing for
# its organisation outweighs a job portal's display name.
_SIGNED_BY_FUNCTION = re.compile(rf"(?:^|[,.;!] ){_FUNCTION}[,|-] (?P<c>{NAME})\s*$")
_LETTERS = re.compile(r"[a-z]+")
# A sign-off line that only names a function: the company is usually on the next line.
_FUNCTION_LINE = re.compile(rf"{_FUNCTION}\.?")


# How far into the body a company is looked for: emails name it early, and legal footers
# further down mention many companies in passing.
_COMPANY_REACH = 3000

# Subjects and sign-offs are short: plain patterns. Bodies are long: triggered ones.
SUBJECT_COMPANY = compile_table(_SUBJECT_COMPANY)
BODY_COMPANY = triggered_table(_BODY_COMPANY)
SIGNATURE_COMPANY = compile_table(_SIGNATURE_COMPANY)
_SIGN_OFF_LINES = 8

# Words that begin phrases, not names: "Application received - ..." is no company.
_NOT_NAME_START = frozenset(
    """
    your the thank thanks application applications interview offer update updates action re fwd
    employment autonotification join
    confirmation invitation next congratulations reminder important welcome job jobs new please
    we our a an this that these hi hello dear regarding about following follow scheduling
    schedule references request quick complete completed background verify assessment take
    coding online technical let let's could would can you i my it its invite invitation:
    withdrawal withdrawing status fantastic great good exciting moving data position role
    opening opportunity candidate congrats time information details career careers hiring
    recruiting talent people team human mr ms mrs dr sir madam all everyone monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today tomorrow onsite on-site phone video final panel
    virtual second first initial intro introductory behavioral behavioural screening
    """.split()  # noqa: SIM905 -- a word list reads best as text
)
_TRAILING_NOISE = re.compile(
    r"(?:[\s,.;:!-]+(?:job|jobs|application|applications|careers?|team|recruiting|recruitment"
    r"|talent acquisition|hiring team|hr|inc\.?|llc|ltd\.?|corp\.?|gmbh|ag|plc|s\.?a\.?|n\.?v\.?"
    r"|b\.?v\.?|ab|oy|a/s|as|s\.?r\.?l\.?|s\.?p\.?a\.?|sp\. z o\.o\.|co\.,? ltd\.?|pty|pvt"
    r"|website|portal|site|the|university recruiting|campus recruiting|internships?"
    r"|openings?|opportunit(?:y|ies)|career opportunities|update|notification"
    r"|and|of|for|in|&))+[\s,.;:!-]*$|[\s,.;:!'-]+$",
    re.IGNORECASE,
)
_LEADING_NOISE = re.compile(r"^(?:the|recent|new|online)\s+", re.IGNORECASE)


_JOINERS = frozenset(
    ("of", "and", "&", "de", "du", "la", "le", "der", "für", "y", "for", "the", "in", "und")
)


_POSSESSIVE = re.compile(r"'s(?:\s.*)?$")


@name_cache
def _clean_name(value: str) -> str:
    # "Adobe's" → "Adobe", "Ripple's Summer Internship" → "Ripple"
    value = _POSSESSIVE.sub("", _LEADING_NOISE.sub("", value.strip().strip("\"'")))
    words = value.split()
    if words and not words[0][:1].islower():
        # A capitalised name ends at the first lower-case word ("Globex is confirmed") or
        # where a sentence starts ("Doximity Have a great day").
        end = next(
            (
                i
                for i, w in enumerate(words)
                if (w[:1].islower() and w not in _JOINERS) or (i and w.lower() in SENTENCE_STARTS)
            ),
            len(words),
        )
        value = " ".join(words[:end])
    elif len(words) > 2:
        return ""  # a lower-case name ("slice", "edX") is short; longer is a phrase
    return _TRAILING_NOISE.sub("", value).strip()


# Words of job titles that no employer's name holds.
_TITLE_FRAGMENTS = frozenset(("learning", "senior", "junior", "intern", "graduate"))
# A name holding one of these is a job title, not an employer.
_ROLE_WORDS = frozenset(
    """
    engineer developer analyst scientist manager designer intern associate specialist
    consultant researcher director architect administrator coordinator representative officer
    assistant recruiter
    """.split()  # noqa: SIM905 -- a word list reads best as text
)


_DIGIT_RUN = re.compile(r"\d{3,}")


@name_cache
def _acceptable(name: str) -> bool:
    if not 2 <= len(name) <= 60 or name.lower() in vocab.NOT_A_COMPANY:
        return False
    words = name.lower().split()
    return (
        len(words) <= 7
        and words[0].strip(",.") not in _NOT_NAME_START
        and not _compound_head(name)
        # A job title, or a piece of one ("Machine Learning 48213"), is not an employer.
        and _ROLE_WORDS.isdisjoint(words)
        and _TITLE_FRAGMENTS.isdisjoint(words)
        and not _numeric(name)
    )


def _compound_head(name: str) -> str:
    """The first part of a compound word that begins ``name`` ("follow" of "Follow-up on"),
    "" when there is none: a lower-case part after the hyphen makes a word, not a name
    ("Take-Two" stays a name)."""
    first = name.split(maxsplit=1)
    head, hyphen, rest = first[0].partition("-") if first else ("", "", "")
    return head.lower() if hyphen and rest[:1].islower() else ""


_DIGITS = re.compile(r"\d")


def _numeric(name: str) -> bool:
    """Return whether ``name`` is a number or an id ("R-0012345", "2024-284008"), not "3M"."""
    digits = len(_DIGITS.findall(name))
    if not digits:
        return False
    return digits * 2 > sum(map(str.isalnum, name)) or bool(_DIGIT_RUN.search(name))


@name_cache
def _subject_candidates(subject: str) -> tuple[tuple[int, str], ...]:
    # ATS templates repeat their subjects ("Thank you for applying!") across a mailbox.
    return tuple(
        (weight, match.group("c"))
        for weight, pattern in SUBJECT_COMPANY
        for match in pattern.finditer(subject)
    )


def _candidates(
    email: EmailInput, text: Text, slugs: tuple[str, ...] = ()
) -> Iterator[tuple[int, str]]:
    yield from _subject_candidates(text.subject)
    for weight, triggered in BODY_COMPANY:
        for match in triggered.finditer(text.body_scan, _COMPANY_REACH):
            yield weight, match.group("c")
    lines = [line.strip() for line in text.tail.splitlines()]
    lines = [line for line in lines if 2 < len(line) < 80][-_SIGN_OFF_LINES:]
    for at, line in enumerate(lines):
        signed_here = False
        for weight, pattern in SIGNATURE_COMPANY:
            signed = pattern.fullmatch(line)
            if signed:
                signed_here = True
                yield weight, signed.group("c")
        # Department names hold one of a few words: most lines need no department pattern.
        departmental = not _DEPARTMENT_WORDS.isdisjoint(_LETTERS.findall(line.lower()))
        if departmental and not signed_here:
            signed = _SIGNED_BY_FUNCTION.search(line)
            if signed:
                signed_here = True
                yield 7, signed.group("c")
        if departmental and at + 1 < len(lines) and _FUNCTION_LINE.fullmatch(line):
            yield 5, lines[at + 1]
        elif (
            not signed_here
            and at
            and CLOSING_LINE.fullmatch(lines[at - 1])
            and organisation(line, slugs)
        ):
            # "Best regards,\nBracken Hollow Analytics"
            yield 5, clean_display_name(line)
    letterhead = _LETTERHEAD.fullmatch(text.first_line)
    if letterhead and not _not_letterhead(letterhead.group("c")):
        # A body headed by a name alone ("Acme Analytics\n\nHello Alex, ..."), as ATS
        # templates and logos turned to text head it: the employer, when nothing says more.
        yield 4, letterhead.group("c")
    represented = _represented_organisation(email)
    if represented:
        # "Jane Doe (Apex Search Partners)": the person's own employer — an agency as often as
        # the company — so it counts less than the email's own words and its sign-off.
        yield 3, represented
        return
    display = display_name_company(email)
    if display:
        yield 6, display


@name_cache
def _not_letterhead(line: str) -> bool:
    """A first line that is no organisation's name: a department ("Global Human Resources")
    or a mail client's link ("View in Browser")."""
    words = line.casefold().split()
    return not _DEPARTMENT_WORDS.isdisjoint(words) or bool(_WEB_VIEW.match(line))


def company(email: EmailInput, text: Text, reader: frozenset[str]) -> str:
    """Return the company ``email`` is about ('' when nothing names one); ``reader`` is
    ``people.addressee_keys`` of it."""
    slugs = sender_slugs(email)
    # Names that are people: the reader, and whoever signs the email.
    people = reader | signers(text, slugs) | _sender_person(email)
    totals: dict[str, float] = {}
    spelling: dict[str, tuple[int, str]] = {}
    platforms: dict[str, tuple[float, str]] = {}
    for weight, raw in _candidates(email, text, slugs):
        name = _clean_name(raw)
        if weight >= _EMPLOYER_PHRASE and name.casefold() in vocab.PLATFORM_NAMES:
            total = platforms.get(name.casefold(), (0.0, name))[0] + weight
            platforms[name.casefold()] = (total, name)
        # Judged as written too: "On-site" loses "-site" as noise, and "On" is no employer.
        if not _acceptable(name) or _compound_head(raw.strip()) or names_one_of(name, people):
            continue
        key = name.casefold()
        bonus = 6 if matches_slug(name, slugs) else 0
        totals[key] = totals.get(key, 0) + weight + bonus
        if weight > spelling.get(key, (-1, ""))[0]:
            spelling[key] = (weight, name)
    best = max(totals, key=lambda key: totals[key]) if totals else ""
    platform = _platform_employer(platforms, totals.get(best, 0.0))
    if platform:
        return platform
    written_out = _written_out(best, totals) if best else ""
    if written_out:
        # "ASC" (the ATS tenant, the display name) is "Alder Street Capital" in the body.
        return cap(_tidy_case(spelling[written_out][1]), 80)
    if slugs and not (best and matches_slug(best, slugs)):
        # The sender's domain spells a name the text writes out ("Northrop Grumman"): as good
        # as a display name that agrees with the domain.
        spelled = _slug_in_text(slugs, text)
        if spelled and totals.get(best, 0) < 12:
            return cap(spelled, 80)
    if best:
        chosen = _tidy_case(spelling[best][1])
        return cap(_expansion(chosen, text) or chosen, 80)
    return _slug_fallback(slugs)


# Subject and body phrases that name the employer ("thank you for applying at X", "interest in
# X") weigh this much or more; display names and sign-offs weigh less.
_EMPLOYER_PHRASE = 7


def _platform_employer(platforms: dict[str, tuple[float, str]], best_total: float) -> str:
    """Return a platform's name when the email names it as the employer, twice and most.

    Workday's or iCIMS's own hiring mail says "thank you for applying at iCIMS" and "your
    interest in iCIMS"; an employer's mail sent through them names the employer there instead.
    """
    if not platforms:
        return ""
    total, name = max(platforms.values())
    return name if total >= 2 * _EMPLOYER_PHRASE and total > best_total else ""


_ACRONYM = re.compile(r"[A-Z]{2,5}")
_WORD = re.compile(r"[^\W\d_][\w&'.-]*|&")
_EXPANSION_JOINERS = frozenset(("of", "and", "&", "the", "for", "de"))


def _expansion(name: str, text: Text) -> str:
    """Return the words an all-capitals name abbreviates, if the email writes them out.

    "AHA" is "Alameda Housing Authority" in a subject: a name the email spells out beats the
    abbreviation an ATS tenant or a sign-off uses.
    """
    if not _ACRONYM.fullmatch(name):
        return ""
    for source in (text.subject, text.flat[:_COMPANY_REACH]):
        words = _WORD.findall(source)
        for start, word in enumerate(words):
            if word[0] == name[0] and word != name:
                found = _spelled_from(name, words, start)
                if found:
                    return found
    return ""


def _spelled_from(letters: str, words: list[str], start: int) -> str:
    """Return the phrase from ``words[start]`` whose capitals spell ``letters``, else ''."""
    taken: list[str] = []
    at = 0
    for word in words[start : start + 2 * len(letters)]:
        if at == len(letters):
            break
        if word[0] == letters[at] and word[0].isupper() and not word.isupper():
            taken.append(word)
            at += 1
        elif taken and word.lower() in _EXPANSION_JOINERS:
            taken.append(word)
        else:
            return ""
    if at < len(letters) or taken[-1].lower() in _EXPANSION_JOINERS:
        return ""
    phrase = " ".join(taken)
    return phrase if _acceptable(phrase) else ""


def _written_out(short: str, totals: dict[str, float]) -> str:
    """Return the key of the longer name that ``short`` abbreviates ('' when none does)."""
    letters = squash(short)
    if not 2 <= len(letters) <= 6:
        return ""
    for key in sorted(totals, key=lambda k: -totals[k]):
        full = squash(key)
        # Spelled out, not extended: "Okta Talent" is no spelling of "Okta".
        if (
            len(full) > len(letters) + 3
            and full[0] == letters[0]
            and not full.startswith(letters)
            and _in_order(letters, full)
        ):
            return key
    return ""


def _in_order(letters: str, text: str) -> bool:
    """Return whether ``letters`` occur in ``text`` in this order ("bhp" in "bellhavenp...")."""
    rest = iter(text)
    return all(letter in rest for letter in letters)


def _tidy_case(name: str) -> str:
    return name.title() if name.islower() and len(name) > 3 else name


def display_name_company(email: EmailInput) -> str:
    """Return the company a sender's display name names ("Acme Recruiting" → "Acme")."""
    name = clean_display_name(email.sender_name)
    # "Acme Careers" lost a function word, so it names a company, whatever the address says.
    named_function = name != email.sender_name.strip().strip("\"'")
    if not name or (not named_function and _looks_like_person(name, email.sender_address)):
        return ""
    return name if _acceptable(name) else ""


# "Aisha Bello (Apex Search Partners)": a person, and in brackets whom they write for.
_PERSON_FOR_ORGANISATION = re.compile(r"^(?P<person>[^()]+?)\s*\((?P<org>[^()]+)\)$")


def _person_and_organisation(email: EmailInput) -> tuple[str, str]:
    """Split the sender's display name into a name and the organisation in brackets ('')."""
    name = email.sender_name.strip().strip("\"'")
    match = _PERSON_FOR_ORGANISATION.match(name)
    return (match.group("person"), match.group("org")) if match else (name, "")


def _represented_organisation(email: EmailInput) -> str:
    """Return the organisation a person's display name adds in brackets ('' when none)."""
    person, organisation = _person_and_organisation(email)
    if not organisation or not _looks_like_person(person, email.sender_address):
        return ""
    organisation = clean_display_name(organisation)
    return organisation if _acceptable(organisation) else ""


_VIA = re.compile(r"\s+via\s+(\S.*)$", re.IGNORECASE)
_SIGNING_SERVICES = ("docusign", "hellosign", "adobe sign", "dropbox sign", "pandadoc")


@name_cache
def clean_display_name(name: str) -> str:
    """Return a display name without its function words ("Acme Talent Acquisition" → "Acme")."""
    name = name.strip().strip("\"'")
    via = _VIA.search(name)
    if via:
        if via.group(1).lower().strip() in _SIGNING_SERVICES:
            return ""  # "<person> via DocuSign": a person sent a document
        name = name[: via.start()]
    name = vocab.DISPLAY_NAME_PREFIX_NOISE.sub("", name)
    for _ in range(3):  # "Acme HR - Workday" sheds "Workday", then "HR"
        shorter = vocab.DISPLAY_NAME_NOISE.sub("", name).strip(" -,|:")
        if shorter == name:
            break
        name = shorter
    return _clean_name(name)


def _sender_person(email: EmailInput) -> frozenset[str]:
    """Return the sender's folded name when a person sent it from their own address.

    "Invitation: UX Researcher interview with Hannah Schmidt", sent by Hannah Schmidt: the
    subject names the interviewer where a company could stand.
    """
    name, _ = _person_and_organisation(email)
    if not name or not _personal_address(name, email.sender_address):
        return frozenset()
    return frozenset((" ".join(name.casefold().split()),))


_LOCAL_PART_SEPARATORS = re.compile(r"[._+-]+")


def _personal_address(name: str, address: str) -> bool:
    """Return whether ``address`` is the mailbox of the person ``name`` ("Hannah Schmidt",
    hannah.schmidt85@…, hschmidt@…) — stricter than a word of the name in the local part:
    "Red Hat" <redhat+email+…@…> is a company's mailing."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", name)]
    if not 2 <= len(words) <= 4:
        return False
    local = address.partition("@")[0].casefold()
    tokens = {t.strip("0123456789") for t in _LOCAL_PART_SEPARATORS.split(local)}
    first, last = words[0], words[-1]
    # Not the words run together: "redhat@" is as likely a company's as a person's.
    return len(tokens & set(words)) >= 2 or first[0] + last in tokens


def _looks_like_person(name: str, address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    # An ATS address's local part is the employer's tenant ("globex@myworkday.com").
    if not local or vocab.is_function_mailbox(local) or vocab.is_ats_domain(domain):
        return False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 3]
    return any(word in local for word in words) and len(name.split()) <= 3


def sender_slugs(email: EmailInput) -> tuple[str, ...]:
    """Return the squashed names the sender's address suggests: ATS tenant, then domain."""
    return _address_slugs(email.sender_address.lower())


@name_cache
def _address_slugs(address: str) -> tuple[str, ...]:
    local, _, domain = address.partition("@")
    slugs: list[str] = []
    if vocab.is_ats_domain(domain):
        tenant = "" if vocab.is_function_mailbox(local) else local
        labels = [x for x in domain.split(".")[:-2] if x not in vocab.DOMAIN_NOISE_LABELS]
        slugs += [squash(tenant.split("+")[0])] + [squash(x) for x in labels]
    elif domain and not vocab.is_free_mail_domain(domain) and not vocab.is_job_board_domain(domain):
        labels = [x for x in domain.split(".")[:-1] if x not in vocab.DOMAIN_NOISE_LABELS]
        slugs += [squash(x) for x in reversed(labels)]
    return tuple(slug for slug in slugs if len(slug) >= 2)


@functools.lru_cache(maxsize=4096)
def _spelling(slug: str) -> re.Pattern[str]:
    """Return a pattern for ``slug`` written out: "northropgrumman" → "Northrop Grumman"."""
    return re.compile(r"\b" + r"[ .&'-]?".join(map(re.escape, slug)) + r"\b", re.IGNORECASE)


def _slug_in_text(slugs: tuple[str, ...], text: Text) -> str:
    for slug in slugs:
        if len(slug) < 3:
            continue
        pattern = _spelling(slug)
        for source in (text.subject, text.flat[:3000], text.tail):
            for match in pattern.finditer(source):
                written = match.group()
                # Capitalised as a name, or spelled with capitals inside ("eBay", "iCIMS").
                # "HCA Careers" (hcacareers.com) names HCA.
                cleaned = _clean_name(written)
                if not written.islower() and _acceptable(cleaned):
                    return cleaned
    return ""


# Words that end many employers' names and that a domain runs together with the rest
# ("lumonindustries.com", "acmerobotics.com"): a name read from the domain alone is spaced
# before one ("Lumon Industries"), longest first.
_NAME_ENDINGS = tuple(
    sorted(
        """
        industries systems research company worldwide labs technologies analytics software
        group partners capital health healthcare solutions consulting networks robotics
        dynamics mobility cloud media energy foods financial insurance motors pharma
        therapeutics biotech games studios logistics services holdings ventures digital
        enterprises security aerospace airlines brands entertainment
        """.split(),  # noqa: SIM905 -- a word list reads best as text
        key=len,
        reverse=True,
    )
)


def _slug_fallback(slugs: tuple[str, ...]) -> str:
    for slug in slugs:
        if len(slug) >= 3 and slug not in vocab.NOT_A_COMPANY:
            return slug.upper() if len(slug) <= 3 else _spaced(slug)
    return ""


def _spaced(slug: str) -> str:
    """Return a squashed domain name as a name, spaced before a word names often end in."""
    for ending in _NAME_ENDINGS:
        head = slug[: -len(ending)]
        if slug.endswith(ending) and len(head) >= 3:
            return f"{head.capitalize()} {ending.capitalize()}"
    return slug.capitalize()
