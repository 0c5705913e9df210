"""Who writes the evaluation set's mail: invented employers of many kinds, and the candidates.

Every name here is made up for this set. Each employer says how its mail arrives: the sender's
display name and address (an ATS tenant, a person, a council's recruitment mailbox), how the
body spells the name (sometimes with HTML entities left in plain text, as some ATS templates
do), and how it signs off.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Employer:
    """One employer and the shape of its mail."""

    name: str  # the label: what a person calls the company
    kind: str  # ats, small, recruiter, university, public, non-native
    display: str  # the sender's display name
    address: str  # the sender's address
    spelled: str = ""  # how the body writes the name, when not as ``name``
    signoff: str = "{name} Talent Acquisition"

    @property
    def in_body(self) -> str:
        return self.spelled or self.name


@dataclass(frozen=True)
class Candidate:
    """The mailbox owner: their Google profile name and address."""

    name: str
    address: str

    @property
    def first(self) -> str:
        return self.name.split()[0]


E = Employer
EMPLOYERS: tuple[Employer, ...] = (
    E("Northwind Analytics", "ats", "Northwind Analytics", "no-reply@us.greenhouse-mail.io"),
    E("Bellhaven Precision", "ats", "Workday", "bhp@myworkday.com",
      signoff="Bellhaven Precision HR"),
    E("Quill & Ferris", "ats", "Quill &amp; Ferris", "no-reply@hire.lever.co",
      "Quill &amp; Ferris"),
    E("Harbor Line Logistics", "ats", "Harbor Line Logistics", "careers-harborline@icims.com"),
    E("Crestline Bank", "ats", "Crestline Bank", "noreply@smartrecruiters.com"),
    E("Lumen Grove", "ats", "Lumen Grove Hiring Team", "no-reply@ashbyhq.com"),
    E("Vintners Supply Co", "ats", "Vintners Supply Co", "jobs@vintners.teamtailor-mail.com"),
    E("Orbitel Systems", "ats", "Orbitel Careers", "orbitel@taleo.net"),
    E("Kestrel Bio", "ats", "Kestrel Bio", "noreply@candidates.workablemail.com"),
    E("Pinecrest Health", "ats", "Pinecrest Health Recruiting", "pinecrest@successfactors.com"),
    E("Ridgeway Software", "ats", "Ridgeway Software", "no-reply@greenhouse.io"),
    E("Saltmarsh Media", "ats", "Saltmarsh Media", "no-reply@hire.lever.co"),
    E("Tidewater Energy", "ats", "Tidewater Energy HR", "twe@myworkday.com"),
    E("Hart & Finch", "ats", "Hart &amp; Finch Careers", "hartfinch@myworkday.com",
      "Hart &amp; Finch"),
    E("Alder Street Capital", "ats", "ASC Recruiting", "asc@myworkday.com", "Alder Street Capital"),
    E("Brightloom", "small", "Maya Chen", "maya@brightloom.io",
      signoff="Maya Chen\nCo-founder, {name}"),
    E("Copperleaf Studio", "small", "Tom Ashby", "tom@copperleaf.studio", signoff="Tom\n{name}"),
    E("Fennel Labs", "small", "Fennel Labs", "jobs@fennellabs.com", signoff="The {name} team"),
    E("Oakhurst Bakeries", "small", "Oakhurst Bakeries HR", "hr@oakhurstbakeries.co.uk"),
    E("Blue Heron Robotics", "small", "Dana Whitfield", "dana@blueheronrobotics.com",
      signoff="Dana Whitfield\nHead of People, {name}"),
    E("Marigold Games", "small", "Marigold Games", "hello@marigold.games",
      signoff="Cheers,\nThe {name} crew"),
    E("TalentBridge Recruitment", "recruiter", "Sarah Lyle", "sarah.lyle@talentbridge.co.uk",
      signoff="Sarah Lyle\nSenior Consultant | {name}"),
    E("Apex Staffing Partners", "recruiter", "Apex Staffing Partners",
      "placements@apexstaffing.com"),
    E("Nordlys Executive Search", "recruiter", "Ingrid Solberg", "ingrid@nordlys-search.no",
      signoff="Ingrid Solberg\n{name}"),
    E("University of Eastbrook", "university", "Eastbrook HR Recruitment",
      "recruitment@eastbrook.ac.uk", signoff="Human Resources\n{name}"),
    E("Westmoor College", "university", "Westmoor College", "jobs@westmoor.edu",
      signoff="Office of Human Resources, {name}"),
    E("Rheinau Technical University", "university", "TU Rheinau Personalabteilung",
      "bewerbung@tu-rheinau.de", signoff="Personnel Department\n{name}"),
    E("Marlow City Council", "public", "Marlow City Council Recruitment", "jobs@marlow.gov.uk",
      signoff="Recruitment Team\n{name}"),
    E("Northfield Health Board", "public", "Northfield Health Board", "recruitment@nhb.gov.ie",
      "Northfield Health Board", signoff="HR Shared Services, {name}"),
    E("State Water Authority", "public", "SWA Careers", "careers@swa.vic.gov.au",
      "State Water Authority", signoff="People and Culture, {name}"),
    E("Department of Rural Affairs", "public", "Civil Service Jobs", "noreply@csjobs.gov.example",
      signoff="Resourcing Team, {name}"),
    E("Kowalski Logistyka", "non-native", "Kowalski Logistyka HR", "rekrutacja@kowalski-log.pl",
      signoff="HR Department\n{name} Sp. z o.o."),
    E("Sistemas Aurora", "non-native", "Sistemas Aurora", "talentos@sistemasaurora.com.br",
      signoff="Equipe de Talentos - {name}"),
    E("Vantara Infotech", "non-native", "Vantara HR", "hr@vantarainfotech.in",
      "Vantara Infotech", signoff="Regards,\nHR Team, {name}"),
    E("Müller Antriebstechnik", "non-native", "Müller Antriebstechnik GmbH",
      "karriere@mueller-antrieb.de", signoff="Mit freundlichen Grüßen\n{name} GmbH"),
    E("Dalvik Solutions", "non-native", "Dalvik Solutions AB", "jobs@dalvik.se"),
    E("Nakamura Trading", "non-native", "Nakamura Trading HR", "saiyo@nakamura-trading.jp",
      signoff="Human Resources Division\n{name} Co., Ltd."),
    E("Greyfield Insurance", "ats", "Greyfield Insurance", "greyfield@myworkday.com"),
    E("Silverpine Consulting", "ats", "Silverpine Consulting", "no-reply@us.greenhouse-mail.io"),
    E("Cobalt Freight", "small", "Cobalt Freight Hiring", "hiring@cobaltfreight.com"),
)  # fmt: skip

CANDIDATES: tuple[Candidate, ...] = (
    Candidate("Priya Raman", "p.raman1987@gmail.com"),
    Candidate("Jonas Weber", "jonasweber@outlook.com"),
    Candidate("Amara Okafor", "amara.o@gmail.com"),
    Candidate("Luis Ortega", "lortega.dev@gmail.com"),
    Candidate("Hannah Kim", "hannahk@proton.me"),
    Candidate("Tomasz Nowak", "t.nowak@gmail.com"),
    Candidate("Elena Rossi", "elena.rossi.work@gmail.com"),
    Candidate("Samuel Boateng", "sam.boateng@yahoo.com"),
)

POSITIONS: tuple[str, ...] = (
    "Senior Data Engineer (Platform)",
    "Machine Learning Engineer",
    "Product Designer",
    "Backend Developer",
    "Graduate Analyst",
    "Research Associate",
    "Customer Success Manager",
    "Finance Assistant",
    "Site Reliability Engineer",
    "Marketing Coordinator",
    "Policy Officer",
    "Lecturer in Computer Science",
    "Warehouse Operations Lead",
    "QA Tester",
    "Data Scientist",
    "Frontend Engineer",
    "HR Business Partner",
    "Project Manager",
)
