"""Who sends job-application mail: applicant-tracking systems, job boards, assessment tools.

Written from knowledge of the vendors' sending domains (not copied from any list). A domain
matches itself and every sub-domain: ``greenhouse-mail.io`` covers ``us.greenhouse-mail.io``.
"""

from __future__ import annotations

import re

# Applicant-tracking systems and recruiting platforms that send candidate mail on behalf of
# an employer: a sender here makes an email job-related unless it reads like an alert.
ATS_DOMAINS = frozenset(
    {
        "greenhouse.io",
        "greenhouse-mail.io",
        "lever.co",
        "myworkday.com",
        "myworkdayjobs.com",
        "myworkdaysite.com",
        "workday.com",
        "smartrecruiters.com",
        "smartrecruitersmail.com",
        "icims.com",
        "jobvite.com",
        "jobvite.co",
        "ashbyhq.com",
        "taleo.net",
        "successfactors.com",
        "successfactors.eu",
        "sapsf.com",
        "sapsf.eu",
        "bamboohr.com",
        "workable.com",
        "workablemail.com",
        "recruitee.com",
        "teamtailor.com",
        "teamtailor-mail.com",
        "personio.de",
        "personio.com",
        "breezy.hr",
        "breezy-mail.com",
        "breezyhr.com",
        "jazzhr.com",
        "applytojob.com",
        "jazz.co",
        "brassring.com",
        "avature.net",
        "csod.com",
        "csodmail.com",
        "oraclecloud.com",
        "tal.net",
        "comeet.co",
        "comeet-notifications.com",
        "ats.rippling.com",
        "rippling-mail.com",
        "dover.com",
        "gem.com",
        "paradox.ai",
        "phenom.com",
        "ultipro.com",
        "ukg.com",
        "adp.com",
        "paylocity.com",
        "paycomonline.net",
        "pinpointhq.com",
        "jobscore.com",
        "freshteam.com",
        "zohorecruit.com",
        "mynexthire.com",
        "newtonsoftware.com",
        "clearcompany.com",
        "applicantpro.com",
        "hiringthing.com",
        "manatal.com",
        "join.com",
        "homerun.co",
        "bullhornmail.com",
        "ripplematch.com",
        "joinhandshake.com",
        "wellfound.com",
        "hired.com",
        "otta.com",
        "welcometothejungle.com",
        "hirevue.com",
        "hackerrank.com",
        "hackerrankforwork.com",
        "codesignal.com",
        "codility.com",
        "testgorilla.com",
        "karat.com",
        "karat.io",
        "coderpad.io",
        "modernhire.com",
        "pymetrics.ai",
        "shl.com",
        "criteriacorp.com",
        "vervoe.com",
        "harver.com",
        "goodtime.io",
        "calendly.com",
    }
)

# Job boards: their mail is either about an application made through them ("your
# application was sent to ...") or an alert/digest of openings, which is not job-application
# mail. They do not decide job-relatedness on their own.
JOB_BOARD_DOMAINS = frozenset(
    {
        "linkedin.com",
        "indeed.com",
        "indeedemail.com",
        "glassdoor.com",
        "ziprecruiter.com",
        "monster.com",
        "careerbuilder.com",
        "dice.com",
        "simplyhired.com",
        "stepstone.de",
        "xing.com",
        "seek.com.au",
        "naukri.com",
        "jobs.ch",
        "builtin.com",
    }
)

# Parts of a sender's display name that name the sending function, not the company:
# "Acme Talent Acquisition Team" → "Acme".
DISPLAY_NAME_NOISE = re.compile(
    r"(?:[\s,|:\-–—]+|^)(?:the\s+)?(?:"
    r"career\s+opportunities|talent\s+acquisition(?:\s+(?:team|group))?|recruit(?:ing|ment|ers?)(?:\s+(?:team|services))?"
    r"|hiring(?:\s+team)?|careers?(?:\s+(?:team|center|site|portal))?|jobs?|people(?:\s+team)?"
    r"|people\s+&\s+culture|human\s+resources|hr(?:\s+team)?|talent(?:\s+team)?|team"
    r"|notifications?|no[\s-]?reply|do[\s-]?not[\s-]?reply|workday(?:\s+notifications?)?"
    r"|via\s+\w+(?:\s+\w+)?|university\s+recruiting|campus\s+recruiting|system"
    r")\s*$",
    re.IGNORECASE,
)
DISPLAY_NAME_PREFIX_NOISE = re.compile(
    r"^(?:(?:the\s+)?(?:recruiting|hiring|talent(?:\s+acquisition)?|careers?|people)"
    r"\s+(?:team\s+)?(?:at|@|from)\s+)",
    re.IGNORECASE,
)

# Platforms that send other employers' mail, yet are employers too: their name counts only
# where the email names it as the employer, twice (``company._platform_employer``).
PLATFORM_NAMES = frozenset(
    """
    linkedin indeed glassdoor ziprecruiter workday greenhouse lever smartrecruiters icims
    jobvite ashby taleo successfactors workable bamboohr recruitee teamtailor personio breezy
    jazzhr docusign hirevue hackerrank codesignal codility testgorilla karat calendly
    """.split()  # noqa: SIM905 -- a word list reads best as text
)

# Names that are never the employer: platforms, functions, placeholders.
NOT_A_COMPANY = frozenset(
    {
        "",
        "linkedin",
        "linkedin jobs",
        "linkedin job alerts",
        "indeed",
        "glassdoor",
        "ziprecruiter",
        "workday",
        "myworkday",
        "greenhouse",
        "lever",
        "smartrecruiters",
        "icims",
        "jobvite",
        "ashby",
        "taleo",
        "successfactors",
        "workable",
        "bamboohr",
        "recruitee",
        "teamtailor",
        "personio",
        "breezy",
        "jazzhr",
        "docusign",
        "hirevue",
        "hackerrank",
        "codesignal",
        "codility",
        "testgorilla",
        "karat",
        "calendly",
        "talent acquisition",
        "recruiting",
        "recruiting team",
        "recruitment",
        "hiring team",
        "human resources",
        "hr",
        "careers",
        "career",
        "jobs",
        "notifications",
        "notification",
        "no reply",
        "noreply",
        "no-reply",
        "do not reply",
        "team",
        "us",
        "our team",
        "our company",
        "the team",
        "the company",
        "you",
        "your",
        "it",
        "this",
        "that",
        "gmail",
        "google calendar",
        "system",
        "company",
        "mail",
        "email",
        "the",
        "a",
        "an",
        "admin",
        "support",
        "info",
    }
)

# Address local parts that are a mailbox function, never a company or a person.
FUNCTION_LOCAL_PARTS = frozenset(
    {
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "notification",
        "notifications",
        "careers",
        "career",
        "jobs",
        "recruiting",
        "recruitment",
        "talent",
        "hr",
        "hiring",
        "mail",
        "system",
        "info",
        "workday",
        "alert",
        "alerts",
        "team",
        "support",
    }
)

_FUNCTION_SQUASHED = frozenset(re.sub(r"[^a-z]", "", x) for x in FUNCTION_LOCAL_PARTS)


def is_function_mailbox(local: str) -> bool:
    """Return whether an address's local part names a function ("no-reply", "careers")."""
    squashed = re.sub(r"[^a-z]", "", local.lower())
    return squashed in _FUNCTION_SQUASHED or squashed.startswith(
        ("noreply", "donotreply", "notification", "autonotification", "mailer")
    )


# Free mail providers: their domain says nothing about the employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "example.com",
        "invalidemail.com",
    }
)

# Generic labels inside a domain that are never the company's name ("mail.amazon.jobs").
DOMAIN_NOISE_LABELS = frozenset(
    {
        "mail",
        "email",
        "e",
        "em",
        "jobs",
        "careers",
        "career",
        "talent",
        "hr",
        "recruiting",
        "recruitment",
        "notifications",
        "notification",
        "news",
        "info",
        "www",
        "us",
        "eu",
        "uk",
        "co",
        "com",
        "org",
        "net",
        "io",
        "hire",
        "apply",
        "send",
        "workflow",
        "acquisition",
        "smtp",
        "bounce",
    }
)


def domain_of(address: str) -> str:
    """Return the lower-case domain of an address ('' when there is none)."""
    return address.rpartition("@")[2].strip().strip(">").lower()


def _suffixes(domain: str) -> list[str]:
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# The distinctive label of each ATS domain, for addresses whose domain arrives cut short or
# without its top-level part ("ZS@icims", "notification@smartrecruiters").
_ATS_LABELS = frozenset(
    label
    for domain in ATS_DOMAINS
    for label in domain.split(".")[:-1]
    # Ordinary words stay out: "dover.edu" or "hired.example" are not the platforms.
    if len(label) >= 5 and label not in ("dover", "hired", "karat", "homerun", "paradox", "lever")
)


def is_ats_domain(domain: str) -> bool:
    """Return whether ``domain`` belongs to an applicant-tracking or recruiting platform."""
    if any(suffix in ATS_DOMAINS for suffix in _suffixes(domain)):
        return True
    return any(label in _ATS_LABELS for label in domain.split("."))


def is_job_board_domain(domain: str) -> bool:
    """Return whether ``domain`` belongs to a job board."""
    return any(suffix in JOB_BOARD_DOMAINS for suffix in _suffixes(domain))


def is_free_mail_domain(domain: str) -> bool:
    """Return whether ``domain`` is a free mail provider's."""
    return domain in FREE_MAIL_DOMAINS
