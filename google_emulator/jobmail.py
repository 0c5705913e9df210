"""Wording of job-application mail, as applicant-tracking systems and recruiters send it.

Every status has several subject lines and several interchangeable phrasings per
paragraph, and each ATS frames them its own way, so a classifier cannot learn one
template per status.  Rejections deliberately often have neutral subjects ("An update
on your application") — the signal is in the body, as in real inboxes.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

STATUSES = (
    "application_confirmation",
    "rejection",
    "interview_invitation",
    "assessment",
    "offer",
    "information_request",
    "action_required",
    "withdrawal",
    "not_job_related",
)

COMPANIES = (
    "Northwind Analytics",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Hooli",
    "Vandelay Industries",
    "Acme Robotics",
    "Soylent Foods",
    "Cyberdyne Systems",
    "Wayne Enterprises",
    "Stark Mobility",
    "Pied Piper",
    "Dunder Mifflin",
    "Massive Dynamic",
    "Wonka Labs",
    "Tyrell Biotech",
    "Aperture Science",
    "Oscorp",
    "Gringotts Bank",
    "Monarch Insurance",
    "Nakatomi Trading",
    "Blue Sun Logistics",
    "Sterling Cooper",
    "Prestige Worldwide",
    "Bluth Company",
    "Krusty Cloud",
    "Octan Energy",
    "Virtucon",
    "Zorg Aerospace",
    "Lumon Industries",
    "Rekall Media",
    "Weyland Data",
    "Hanso Research",
    "Genco Pura",
    "Paper Street Software",
)
POSITIONS = (
    "Data Analyst",
    "Senior Data Analyst",
    "Data Scientist",
    "Machine Learning Engineer",
    "Backend Engineer",
    "Software Engineer II",
    "Senior Software Engineer",
    "Product Analyst",
    "Business Intelligence Analyst",
    "Analytics Engineer",
    "Data Engineer",
    "Product Manager",
    "Technical Program Manager",
    "Site Reliability Engineer",
    "Frontend Engineer",
    "Research Scientist",
    "Solutions Engineer",
    "Data Science Intern",
    "Quantitative Analyst",
    "Staff Platform Engineer",
    "UX Researcher",
    "Customer Success Manager",
)
RECRUITER_NAMES = (
    "Priya Raman",
    "Jordan Lee",
    "Emily Carter",
    "Marcus Johnson",
    "Sofia Alvarez",
    "Daniel Kim",
    "Hannah Schmidt",
    "Olivia Brown",
    "Tomás Herrera",
    "Aisha Bello",
    "Chen Wei",
    "Rachel Green",
    "Noah Williams",
    "Fatima Zahra",
    "Lars Eriksen",
)
PLATFORMS = ("HackerRank", "CodeSignal", "Codility", "TestGorilla", "HireVue", "Karat")


def _fill(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


SUBJECTS: dict[str, tuple[str, ...]] = {
    "application_confirmation": (
        "Thank you for applying to {company}",
        "Thank you for your application - {position}",
        "Application received: {position} at {company}",
        "We've received your application for {position}",
        "Your application to {company} has been received",
        "{company} - Application Confirmation",
        "{first}, thanks for applying!",
        "Confirmation of your application ({req})",
        "Thanks for your interest in {company}",
        "Your job application has been received",
    ),
    "rejection": (
        "An update on your application",
        "Update on your {company} application",
        "Your application to {company}",
        "{company} - Application Update",
        "Regarding your application for {position}",
        "Thank you from {company}",
        "Update on Your Recent {company} Job Application",
        "Your application status",
        "Follow-up on your {position} application",
        "Thank you for your interest in {company}",
    ),
    "interview_invitation": (
        "Interview invitation: {position} at {company}",
        "Next steps with {company}",
        "Let's schedule a call - {position}",
        "{company} interview - {position}",
        "Invitation: {position} interview with {recruiter}",
        "Your interview with {company} is confirmed",
        "Moving forward with your application!",
        "{first}, we'd love to talk",
        "Onsite interview schedule - {company}",
    ),
    "assessment": (
        "Next step: online assessment for {position}",
        "{company} coding challenge",
        "Action required: complete your {platform} assessment",
        "Your {company} technical assessment",
        "Invitation to complete an assessment - {position}",
        "Take-home exercise for {position}",
        "Complete your video interview for {company}",
    ),
    "offer": (
        "Offer letter - {position}",
        "Congratulations from {company}!",
        "Your offer from {company}",
        "We'd love for you to join {company}",
        "Please DocuSign: {company} Offer Letter - {full}",
        "{company} employment offer",
    ),
    "information_request": (
        "Your availability for a conversation",
        "Quick question about your application",
        "{company}: a few questions before we continue",
        "Could you share your availability?",
        "References requested - {position}",
        "Following up on your application to {company}",
        "Scheduling: {position}",
    ),
    "action_required": (
        "Action required: complete your application",
        "Please complete your candidate profile",
        "Background check authorization needed",
        "Reminder: your {company} application is incomplete",
        "Action Required: sign your pre-employment forms",
        "Please verify your information - {company}",
    ),
    "withdrawal": (
        "Your application has been withdrawn",
        "Confirmation: application withdrawn",
        "We've received your withdrawal request",
        "Withdrawal confirmation - {position}",
        "{company}: your candidacy has been withdrawn",
    ),
}

OPENERS = (
    "Hi {first},",
    "Hello {first},",
    "Dear {full},",
    "Hi {full},",
    "{full},",
    "Dear {first},",
)

CORES: dict[str, tuple[str, ...]] = {
    "application_confirmation": (
        "Thank you for applying to the {position} position at {company}. We have received "
        "your application and our recruiting team will review it shortly.",
        "Thanks for your interest in {company}! This note confirms that we received your "
        "application for {position} ({req}).",
        "We wanted to let you know that your application for the {position} role was "
        "submitted successfully.",
        "Congratulations! You've successfully applied for the role of {position} at {company}. "
        "Thanks for letting us know you're interested in joining our team.",
        "Great news - we've received your application for {position}. We're thrilled you took "
        "the time to explore a career with us.",
    ),
    "rejection": (
        "After careful consideration, we have decided to move forward with other candidates "
        "whose experience more closely matches our needs for the {position} role.",
        "Unfortunately, we will not be moving forward with your application for {position} "
        "at this time.",
        "We received a great number of applications from many qualified applicants. Although "
        "we appreciate your interest, we have decided to pursue other candidates.",
        "We have reviewed your background and qualifications against requisition {req} - "
        "{position} and do not see a match at this time.",
        "We regret to inform you that we will not be proceeding with your application.",
        "While we were impressed with your background, the team has decided not to advance "
        "your candidacy to the next stage.",
        "The position has been filled, and we will not be scheduling further interviews for "
        "{position}.",
    ),
    "interview_invitation": (
        "Thank you for applying for {position}. We were impressed by your background and "
        "would like to invite you to an interview with our team.",
        "Great news! After reviewing your application we'd like to move forward with a "
        "{duration}-minute phone screen with {recruiter}.",
        "Your interview for {position} has been scheduled for {when}. It will be a video "
        "call with the hiring manager and two engineers from the team.",
        "We'd like to invite you to the next round: a virtual onsite made up of three "
        "{duration}-minute conversations.",
        "I'm {recruiter}, a recruiter at {company}. I'd love to set up a time to chat about "
        "the {position} role - please pick a slot using the link below.",
    ),
    "assessment": (
        "As the next step in our process for {position}, we invite you to complete an online "
        "assessment on {platform}. It takes about {duration} minutes.",
        "We're impressed with your profile and would like to see your skills in action. "
        "Please complete the {platform} coding challenge by {deadline}.",
        "The next step of the application process is a take-home exercise. You will have "
        "72 hours once you open it; please submit it before {deadline}.",
        "Please record your answers to our one-way video interview on {platform} by {deadline}.",
    ),
    "offer": (
        "On behalf of {company}, I am delighted to offer you the position of {position}. "
        "Your offer letter is attached.",
        "Congratulations! We'd like to extend an offer for the {position} role, with a base "
        "salary of {salary} and a start date of {start}.",
        "It gives me great pleasure to let you know that the team would like you to join us "
        "as {position}. Please review and sign the offer letter by {deadline}.",
        "{recruiter} sent you a document to review and sign: {company} Offer Letter.",
    ),
    "information_request": (
        "Could you please share your availability for a 30-minute call next week?",
        "Before we move forward, could you let us know your salary expectations and your "
        "earliest start date?",
        "Could you send us the names and contact details of two professional references?",
        "The hiring manager would like to know whether you are open to working from our "
        "office three days a week. Could you reply to confirm?",
        "Would you be available for a brief phone call this week to discuss next steps? "
        "Please reply with a few times that work for you.",
    ),
    "action_required": (
        "Your application for {position} is not complete yet. Please sign in to the candidate "
        "portal and finish the remaining questions by {deadline}.",
        "To continue with your application, please authorize the background check using the "
        "secure link below.",
        "Please upload a copy of your transcript and complete the voluntary self-"
        "identification form.",
        "We need you to verify your email address and confirm your contact details before "
        "we can review your application.",
    ),
    "withdrawal": (
        "This is to confirm that your application for {position} has been withdrawn as you "
        "requested.",
        "We've received your request and withdrawn your candidacy for {position} ({req}).",
        "Per your request, we have withdrawn you from consideration for {position}. We wish "
        "you all the best.",
    ),
}

DETAILS: dict[str, tuple[str, ...]] = {
    "application_confirmation": (
        "If your qualifications match the role, a member of our team will contact you about "
        "next steps. You can check the status of your application at any time in the "
        "candidate portal.",
        "Due to the high volume of applications, we are unable to respond to every applicant "
        "individually.",
        "In the meantime, feel free to learn more about life at {company} on our careers site.",
    ),
    "rejection": (
        "We encourage you to apply for future openings that match your skills.",
        "We know this isn't the news you were hoping for, and we truly appreciate the time "
        "you invested.",
        "We will keep your resume on file and may reach out if a suitable position opens up.",
    ),
    "interview_invitation": (
        "Please use this link to choose a time that works for you: "
        "https://calendly.example/{slug}/interview",
        "Date: {when}\nFormat: video call (Google Meet)\nInterviewer: {recruiter}",
        "Please confirm your attendance by replying to this email.",
    ),
    "assessment": (
        "Start the assessment here: https://assessments.example/{slug}/{req}",
        "If you need accommodations, reply to this email and we'll be happy to help.",
    ),
    "offer": (
        "Please don't hesitate to reach out with any questions - we're excited to have you "
        "on the team.",
        "The offer is valid until {deadline}.",
    ),
    "information_request": (
        "Thanks in advance - looking forward to hearing from you.",
        "Once we hear back, we'll share the next steps.",
    ),
    "action_required": (
        "Complete it here: https://careers.example/{slug}/tasks",
        "If you have already completed this step, please ignore this message.",
    ),
    "withdrawal": (
        "If this was a mistake, you can re-apply through our careers site.",
        "Thank you for your interest in {company}.",
    ),
}

LINKEDIN_CONFIRMATIONS = (
    "Your application was sent to {company}. You applied for {position}.",
    "{company} received your application for {position}. Applied with your LinkedIn profile.",
    "Your application for {position} at {company} was sent. Good luck!",
)

SIGNOFFS = (
    "Best regards,\n{company} Talent Acquisition",
    "Thanks,\n{recruiter}\n{company} Recruiting",
    "Sincerely,\nThe {company} Hiring Team",
    "Kind regards,\n{recruiter}",
    "Regards,\n{company} Recruiting Team",
)


@dataclass(slots=True)
class JobMail:
    """The parts of one job-related email before it becomes MIME."""

    status: str
    company: str
    position: str
    sender_name: str
    sender_address: str
    subject: str
    text: str
    html: str | None
    headers: dict[str, str] = field(default_factory=dict)
    attachment: str | None = None  # "offer_pdf" | "ics"


@dataclass(slots=True)
class Application:
    """A job application that several emails refer to."""

    company: str
    position: str
    ats: str
    req: str
    recruiter: str
    # The generator's ground truth: which emails belong to one application ("a12").
    key: str = ""
    # A staffing agency that applied on the candidate's behalf and writes instead of the ATS.
    agency: str = ""

    @property
    def slug(self) -> str:
        """Return the company as a domain label."""
        return re.sub(r"[^a-z0-9]", "", self.company.lower())


def new_application(rng: random.Random) -> Application:
    """Return a random application (company, position, ATS, requisition, recruiter)."""
    ats = rng.choices(
        ("greenhouse", "lever", "workday", "ashby", "smartrecruiters", "icims", "linkedin"),
        weights=(24, 16, 20, 10, 10, 8, 12),
    )[0]
    req = rng.choice(("R-{:07d}", "JR{:06d}", "{:04d}-{:04d}", "REQ-{:05d}"))
    numbers = [rng.randrange(10_000_000) for _ in range(2)]
    req = req.format(*(n % (10 ** (4 + i)) for i, n in enumerate(numbers)))
    return Application(
        rng.choice(COMPANIES), rng.choice(POSITIONS), ats, req, rng.choice(RECRUITER_NAMES)
    )


AGENCIES = (
    ("Hirewell Talent", "hirewell.com"),
    ("Bluestone Staffing", "bluestonestaffing.com"),
    ("Apex Search Partners", "apexsearch.io"),
)
PERSONAL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com")


def _local_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z.]", "", ascii_name.lower().replace(" ", "."))


def personal_sender(app: Application, rng: random.Random) -> tuple[str, str]:
    """Return the recruiter writing from a personal mailbox (as some do, from their phone)."""
    return app.recruiter, f"{_local_part(app.recruiter)}{rng.randrange(10, 99)}@" + rng.choice(
        PERSONAL_DOMAINS
    )


def agency_sender(app: Application) -> tuple[str, str]:
    """Return the agency recruiter who applied on the candidate's behalf."""
    name, domain = next((a for a in AGENCIES if a[0] == app.agency), AGENCIES[0])
    return f"{app.recruiter} ({name})", f"{_local_part(app.recruiter)}@{domain}"


def forwarded(original: JobMail, forwarder: tuple[str, str], original_from: str) -> JobMail:
    """Return ``original`` forwarded by someone else at the company (subject "Fwd: ...")."""
    text = (
        "Forwarding this so you have it - see below.\n\n"
        "---------- Forwarded message ---------\n"
        f"From: {original_from}\nSubject: {original.subject}\n\n{original.text}"
    )
    return JobMail(
        original.status,
        original.company,
        original.position,
        forwarder[0],
        forwarder[1],
        "Fwd: " + original.subject,
        text,
        None,
    )


def _sender(app: Application, status: str, rng: random.Random) -> tuple[str, str]:
    """Return (display name, address) as the application's ATS would send it."""
    if app.agency:
        return agency_sender(app)
    personal = status in ("interview_invitation", "information_request") and rng.random() < 0.6
    if personal or (status == "offer" and rng.random() < 0.5):
        ascii_name = unicodedata.normalize("NFKD", app.recruiter).encode("ascii", "ignore")
        local = re.sub(r"[^a-z.]", "", ascii_name.decode().lower().replace(" ", "."))
        return app.recruiter, f"{local}@{app.slug}.com"
    if status == "offer":
        return f"{app.recruiter} via DocuSign", "dse_na3@docusign.net"
    ats = app.ats
    if ats == "linkedin" and status != "application_confirmation":
        ats = "greenhouse"
    if ats == "greenhouse":
        address = rng.choice(("no-reply@us.greenhouse-mail.io", "no-reply@greenhouse.io"))
        return f"{app.company} Recruiting", address
    if ats == "lever":
        return app.company, "no-reply@hire.lever.co"
    if ats == "workday":
        return rng.choice((f"{app.company} Workday", "Workday", f"{app.company} Careers")), (
            f"{app.slug}@myworkday.com"
        )
    if ats == "ashby":
        return f"{app.company} Hiring Team", "no-reply@ashbyhq.com"
    if ats == "smartrecruiters":
        return app.company, "notification@smartrecruiters.com"
    if ats == "icims":
        return f"{app.company} Careers", f"{app.slug}@talent.icims.com"
    return "LinkedIn", "jobs-noreply@linkedin.com"


def compose(
    app: Application, status: str, first: str, full: str, when: str, rng: random.Random
) -> JobMail:
    """Return one email of ``status`` about ``app`` to the candidate."""
    values = {
        "company": app.company,
        "position": app.position,
        "first": first,
        "full": full,
        "req": app.req,
        "recruiter": app.recruiter,
        "when": when,
        "deadline": when,
        "start": when,
        "platform": rng.choice(PLATFORMS),
        "duration": str(rng.choice((30, 45, 60, 90))),
        "salary": f"${rng.randrange(85, 240) * 1000:,}",
        "slug": app.slug,
    }
    name, address = _sender(app, status, rng)
    if address == "jobs-noreply@linkedin.com":
        subject = rng.choice(
            (
                "{first}, your application was sent to {company}",
                "Your application was sent to {company}",
            )
        )
    else:
        subject = rng.choice(SUBJECTS[status])
    cores = CORES[status]
    if address == "jobs-noreply@linkedin.com":
        cores = LINKEDIN_CONFIRMATIONS
    paragraphs = [rng.choice(OPENERS), rng.choice(cores)]
    if app.agency:
        paragraphs.insert(1, "A quick update on your candidacy with our client, {company}.")
    if rng.random() < 0.7:
        paragraphs.append(rng.choice(DETAILS[status]))
    paragraphs.append(rng.choice(SIGNOFFS))
    text = "\n\n".join(_fill(p, values) for p in paragraphs)
    if app.ats == "workday" and address.endswith("myworkday.com"):
        text = f"{app.company}\n\n{text}"
    text += _footer(address)
    headers: dict[str, str] = {}
    if "greenhouse" in address or "lever" in address:
        headers["Reply-To"] = f"{app.recruiter} <{values['slug']}-recruiting@{app.slug}.com>"
    attachment = None
    if status == "offer" and "docusign" not in address:
        attachment = "offer_pdf"
    elif status == "interview_invitation" and rng.random() < 0.4:
        attachment = "ics"
    html = _html(text) if rng.random() < 0.8 else None
    return JobMail(
        status,
        app.company,
        app.position,
        name,
        address,
        _fill(subject, values),
        text,
        html,
        headers,
        attachment,
    )


def _footer(address: str) -> str:
    if "greenhouse" in address:
        return "\n\n--\nPowered by Greenhouse"
    if "lever.co" in address:
        return "\n\n--\nSent via Lever"
    if "myworkday" in address:
        return "\n\nPlease do not reply to this email. This mailbox is not monitored."
    if "ashbyhq" in address:
        return "\n\nPowered by Ashby"
    if "smartrecruiters" in address:
        return "\n\nYou can access your SmartRecruiters Candidate Portal to track your status."
    if "linkedin" in address:
        return "\n\nYou are receiving LinkedIn notification emails.\nUnsubscribe | Help"
    return ""


def _html(text: str) -> str:
    from html import escape

    paragraphs = "".join(
        f'<p style="margin:0 0 12px">{escape(p).replace(chr(10), "<br>")}</p>'
        for p in text.split("\n\n")
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{font-family:Arial}'
        '</style></head><body><table width="100%"><tr><td>'
        f"{paragraphs}</td></tr></table></body></html>"
    )


def job_alert(rng: random.Random, first: str) -> JobMail:
    """Return a job-board digest: job-flavoured but not about an application."""
    role = rng.choice(POSITIONS)
    jobs = rng.sample(COMPANIES, 4)
    source = rng.choice(
        (
            ("LinkedIn Job Alerts", "jobalerts-noreply@linkedin.com"),
            ("Indeed", "alert@indeed.com"),
            ("Glassdoor Jobs", "noreply@glassdoor.com"),
        )
    )
    subject = rng.choice(
        (
            f"{rng.randrange(5, 40)} new jobs for '{role}'",
            f"{first}, new {role} jobs near you",
            f"Jobs you may be interested in: {role}",
            f"{jobs[0]} is hiring: {role}",
        )
    )
    lines = [f"Hi {first},", "Here are new jobs that match your preferences:"]
    lines += [f"* {role} - {c} - Remote" for c in jobs]
    lines.append("See all jobs\n\nYou're receiving this because you created a job alert.")
    text = "\n\n".join(lines)
    return JobMail("not_job_related", "", "", source[0], source[1], subject, text, _html(text))
