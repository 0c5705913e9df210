"""The rules engine on job-application emails written the way ATSs and recruiters write them."""

from __future__ import annotations

import pytest

from analysis.classify import EmailInput, Status, classify


def email(subject: str, body: str, sender: str = "", address: str = "", **extra) -> EmailInput:
    return EmailInput(
        message_id="m1",
        subject=subject,
        sender_name=sender,
        sender_address=address,
        date=None,
        body_text=body,
        **extra,
    )


GREENHOUSE = "no-reply@us.greenhouse-mail.io"

CONFIRMATION = email(
    "Thank you for applying to Brightline Labs",
    "Hi Sam,\n\nThanks for applying to Brightline Labs! We've received your application for the "
    "Platform Engineer position and our team will review it shortly. If your background is a "
    "fit, we will reach out about next steps.\n\nBest,\nBrightline Labs Recruiting",
    "Brightline Labs Recruiting",
    GREENHOUSE,
)
REJECTION = email(
    "Your application to Brightline Labs",
    "Hi Sam,\n\nThank you for your interest in the Platform Engineer role at Brightline Labs. "
    "After careful consideration, we have decided to move forward with other candidates whose "
    "experience more closely matches our needs. We wish you the best in your search.\n\n"
    "Brightline Labs Talent Acquisition",
    "Brightline Labs",
    "no-reply@hire.lever.co",
)
INTERVIEW = email(
    "Interview invitation: Data Engineer at Quarry Health",
    "Hello Sam,\n\nThank you for applying for the Data Engineer role. We were impressed by your "
    "background and would like to invite you to a 30-minute phone screen with our hiring "
    "manager. It is proposed for next Tuesday at 10:00 AM; please use the scheduling link "
    "below to confirm.\n\nRegards,\nQuarry Health Talent Acquisition Team",
    "Quarry Health Talent Acquisition Team",
    "quarryhealth@myworkday.com",
)
ASSESSMENT = email(
    "Next step: online assessment",
    "Hi Sam,\n\nAs the next step in our process for the Backend Developer position, we invite "
    "you to complete an online assessment on HackerRank. It takes about 90 minutes; please "
    "finish it by March 14.\n\nThe Corvid Systems Hiring Team",
    "Corvid Systems Hiring Team",
    "no-reply@ashbyhq.com",
)
OFFER = email(
    "Your offer from Tessellate",
    "Dear Sam,\n\nOn behalf of Tessellate, I am delighted to offer you the position of Senior "
    "Product Designer. Your offer letter is attached; please review and sign it by Friday.\n\n"
    "Warm regards,\nNina Park",
    "Nina Park",
    "nina.park@tessellate.io",
)
INFORMATION_REQUEST = email(
    "Quick question about your application",
    "Hi Sam,\n\nBefore we move forward, could you please share your availability for a "
    "30-minute call next week, and your salary expectations for the Solutions Architect "
    "opening?\n\nThanks,\nOmar\nHarbor & Pine Recruiting",
    "Omar Haddad",
    "omar.haddad@harborpine.com",
)
ACTION_REQUIRED = email(
    "Action required: complete your application",
    "Hi Sam,\n\nYour application for the QA Analyst position is not complete yet. Please sign "
    "in to the candidate portal and finish the remaining questions by June 3.\n\n"
    "Larkspur Careers",
    "Larkspur Careers",
    "larkspur@talent.icims.com",
)
WITHDRAWAL = email(
    "Withdrawal confirmation",
    "Hi Sam,\n\nThis is to confirm that your application for the Support Engineer position has "
    "been withdrawn as you requested. We wish you all the best.\n\nNorthgate Recruiting",
    "Northgate Recruiting",
    "notification@smartrecruiters.com",
)


@pytest.mark.parametrize(
    ("message", "status"),
    [
        (CONFIRMATION, Status.APPLICATION_CONFIRMATION),
        (REJECTION, Status.REJECTION),
        (INTERVIEW, Status.INTERVIEW_INVITATION),
        (ASSESSMENT, Status.ASSESSMENT),
        (OFFER, Status.OFFER),
        (INFORMATION_REQUEST, Status.INFORMATION_REQUEST),
        (ACTION_REQUIRED, Status.ACTION_REQUIRED),
        (WITHDRAWAL, Status.WITHDRAWAL),
    ],
    ids=lambda value: value.value if isinstance(value, Status) else "",
)
def test_it_recognises_each_status(message, status):
    analysis = classify(message)
    assert analysis.status is status
    assert analysis.is_job
    assert 0.5 <= analysis.confidence <= 1.0


def test_a_rejection_wrapped_in_thanks_for_applying_is_a_rejection():
    analysis = classify(REJECTION)
    assert analysis.status is Status.REJECTION
    assert analysis.company == "Brightline Labs"
    assert analysis.position == "Platform Engineer"
    assert analysis.details == "Rejected after applying for Platform Engineer at Brightline Labs."


def test_a_conditional_rejection_in_a_confirmation_is_no_rejection():
    message = email(
        "Thank you for your application",
        "Hi Sam, we have received your application for the Data Analyst role. If you are not "
        "selected for an interview, we will keep your resume on file. Unfortunately we cannot "
        "reply to every applicant individually. Once the position is filled, the posting closes.",
        "Fenwick Careers",
        "fenwick@myworkday.com",
    )
    assert classify(message).status is Status.APPLICATION_CONFIRMATION


def test_the_details_say_what_happened_in_one_sentence():
    interview = classify(INTERVIEW)
    assert interview.details == (
        "Interview invitation for Data Engineer at Quarry Health: phone screen proposed for "
        "next Tuesday at 10:00 AM."
    )
    assessment = classify(ASSESSMENT)
    assert assessment.details == (
        "Assessment for Backend Developer at Corvid Systems: complete the HackerRank "
        "assessment by March 14."
    )
    request = classify(INFORMATION_REQUEST)
    assert request.details.startswith("Harbor & Pine asks for your availability")


@pytest.mark.parametrize(
    ("message", "company"),
    [
        (CONFIRMATION, "Brightline Labs"),  # subject, display name and sign-off agree
        (INTERVIEW, "Quarry Health"),  # Workday tenant spells the display name
        (ASSESSMENT, "Corvid Systems"),  # "<Company> Hiring Team"
        (OFFER, "Tessellate"),  # "On behalf of <Company>", a person's display name
        (ACTION_REQUIRED, "Larkspur"),  # "<Company> Careers" via iCIMS
        (WITHDRAWAL, "Northgate"),
    ],
)
def test_it_finds_the_company(message, company):
    assert classify(message).company == company


@pytest.mark.parametrize(
    ("greeting", "to"),
    [("Hi Jordan Blake,", ()), ("Hello,", ("jordan.blake@example.com",))],
)
def test_the_candidate_s_own_name_is_never_the_company(greeting, to):
    # E-signature subjects end with the signer's name where a company could stand.
    message = email(
        "Please DocuSign: Offer Letter - Jordan Blake",
        f"{greeting}\n\nWe would like you to join us as Staff Accountant. Please review and "
        "sign the offer letter.\n\nBest regards,\nHalden Freight Talent Acquisition",
        "Mia Park via DocuSign",
        "dse_na2@docusign.net",
        to=to,
    )
    assert classify(message).company == "Halden Freight"


@pytest.mark.parametrize(
    ("greeting", "to"),
    [("Hi Jordan Blake,", ()), ("Hello,", ("jordan.blake@example.com",))],
)
def test_the_candidate_s_first_name_alone_is_never_the_company(greeting, to):
    # A recruiter's personal mailbox: nothing but the subject's first word could be a company.
    message = email(
        "Jordan, we'd love to talk",
        f"{greeting}\n\nThank you for applying for Research Scientist. We would like to invite "
        "you to an interview.\n\nKind regards,\nFatima Zahra",
        "Fatima Zahra",
        "fatima.zahra40@yahoo.com",
        to=to,
    )
    assert classify(message).company == ""


@pytest.mark.parametrize(
    ("subject", "company"),
    [
        ("Follow-up on your Product Analyst application", ""),
        ("Take-home exercise for Data Scientist", ""),
        # A hyphenated name is still a name.
        ("Take-Two - Application received", "Take-Two"),
        # Kinds of interview: "-site" is dropped as noise, but "On" was never a name.
        ("On-site Interview Invitation", ""),
        ("In-person Interview - Next Steps", ""),
        ("Co-op Interview Invitation", ""),
    ],
)
def test_a_compound_word_opening_the_subject_is_no_company(subject, company):
    message = email(
        subject,
        "Dear Sam,\n\nWe have decided to move forward with other candidates.\n\n"
        "Kind regards,\nDaniel Kim",
        "Daniel Kim",
        "daniel.kim37@gmail.com",
    )
    assert classify(message).company == company


@pytest.mark.parametrize(
    ("subject", "company"),
    [
        ("Complete your video interview for Tallow Grove", "Tallow Grove"),
        ("Coding challenge for Tallow Grove - next steps", "Tallow Grove"),
        # A job title there is the role, not the employer.
        ("Complete your video interview for Senior Data Analyst", ""),
    ],
)
def test_a_hiring_step_for_an_employer_in_the_subject_names_the_company(subject, company):
    # From a recruiter's personal mailbox: the subject alone says whom the step is for.
    message = email(
        subject,
        "Hi Sam,\n\nPlease complete the assessment by Monday.\n\n"
        "Start here: https://assessments.example/start\n\nKind regards,\nNina Okafor",
        "Nina Okafor",
        "nina.okafor52@yahoo.com",
    )
    assert classify(message).company == company


@pytest.mark.parametrize(
    ("address", "company"),
    [
        ("tomas.herrera@lumonindustries.com", "Lumon Industries"),
        ("tomas.herrera@halden-robotics.com", "Halden Robotics"),
        ("tomas.herrera@meridianbiotech.io", "Meridian Biotech"),
        # No word a name often ends in: the domain as it is.
        ("tomas.herrera@quillfeather.com", "Quillfeather"),
    ],
)
def test_a_company_known_only_from_the_sender_domain_is_spaced_as_a_name(address, company):
    message = email(
        "Moving forward with your application!",
        "Hi Sam,\n\nWe'd like to invite you to an interview next week.\n\nBest,\nTomás Herrera",
        "Tomás Herrera",
        address,
    )
    assert classify(message).company == company


def test_the_company_comes_from_the_sender_domain_when_the_text_spells_it_out():
    message = email(
        "Application received",
        "Dear Sam, thank you for your interest in Meridian Biotech. We received your "
        "application for the Lab Technician role and will be in touch.",
        "",
        "careers@meridianbiotech.com",
    )
    assert classify(message).company == "Meridian Biotech"


def test_a_workday_tenant_alone_still_names_the_company():
    message = email(
        "Thank You for Applying",
        "Dear Sam, we received your application and will review it shortly.",
        "Workday",
        "kestrel@myworkday.com",
    )
    analysis = classify(message)
    assert analysis.status is Status.APPLICATION_CONFIRMATION
    assert analysis.company == "Kestrel"


def test_an_agency_recruiter_s_client_is_the_company_not_the_display_name():
    # "Person (Agency)": the bracket names whom the person works for, not the employer.
    message = email(
        "Action required: complete your Karat assessment",
        "Hi Sam,\n\nA quick update on your candidacy with our client, Tallow Grove.\n\n"
        "Please complete the take-home exercise before Friday.\n\nThanks,\nNina Okafor",
        "Nina Okafor (Harbor Search Partners)",
        "nina.okafor@harborsearch.io",
    )
    assert classify(message).company == "Tallow Grove"


def test_the_sender_named_in_the_subject_is_no_company():
    # A recruiter's own invitation names them as the interviewer where a company could stand.
    message = email(
        "Invitation: UX Researcher interview with Nina Okafor",
        "Sam,\n\nI'm Nina Okafor, a recruiter at Tallow Grove. I'd love to set up a time to "
        "chat about the UX Researcher role.\n\nRegards,\nTallow Grove Recruiting Team",
        "Nina Okafor",
        "nina.okafor85@yahoo.com",
    )
    assert classify(message).company == "Tallow Grove"


def test_a_person_s_bracketed_organisation_names_the_company_when_nothing_else_does():
    message = email(
        "Quick question about your application",
        "Hi Sam,\n\nCould you share your availability for a call next week?\n\nNina",
        "Nina Okafor (Tallow Grove)",
        "nina.okafor@tallowgrove.com",
    )
    assert classify(message).company == "Tallow Grove"


@pytest.mark.parametrize(
    ("subject", "body", "position"),
    [
        (
            "Application received",
            "Thanks for applying for the Site Reliability Engineer role.",
            "Site Reliability Engineer",
        ),
        (
            "Thank you",
            "Position: Senior Data Analyst\nWe have received your application.",
            "Senior Data Analyst",
        ),
        (
            "Application received: Machine Learning Engineer at Hollow Pines",
            "We have received your application.",
            "Machine Learning Engineer",
        ),
        (
            "Your application",
            "We received your application for Data Scientist (R-0048213).",
            "Data Scientist",
        ),
        # The label on a line of its own, its value on the next.
        (
            "Thank you for applying!",
            "Dear Sam,\nA team reviews each resume we receive.\nPosition Applied For:\n"
            "Business Analyst\nThank you for considering us.",
            "Business Analyst",
        ),
        (
            "Thank you for your submission",
            "Thank you for your interest in Technical Business Analyst position. Thanks.",
            "Technical Business Analyst",
        ),
        (
            "Thank You for Applying",
            "Thank you for applying to our open Data Scientist position.",
            "Data Scientist",
        ),
        (
            "Thank you",
            "We received your application for our Operations Analyst Requisition ID 158732 "
            "position.",
            "Operations Analyst",
        ),
        ("Your application for Data Analyst at Hollow Pines", "We got it.", "Data Analyst"),
        ("Your resume for Data Analyst was successfully submitted!", "Thanks.", "Data Analyst"),
        # The role in the subject's third part, a requisition number after it.
        (
            "Hollow Pines - Thank You for Applying - Supply Chain Analyst - SUPPL179875",
            "We appreciate you taking the time to apply.",
            "Supply Chain Analyst",
        ),
        ("Your application: Associate AI Scientist 390561", "Thank you.", "Associate AI Scientist"),
        (
            "Keep track of your application",
            "Thank you for your interest in Business Analyst (ID: 2938031). Check its status.",
            "Business Analyst",
        ),
        (
            "Update on your application",
            "We reviewed your background against our job requisition - R17415 - Data "
            "Scientist II and do not see a fit.",
            "Data Scientist II",
        ),
        (
            "Regarding your application",
            "However, the position you applied for, Data Acquisition Coordinator , has been "
            "filled.",
            "Data Acquisition Coordinator",
        ),
        ("Thank you", "Thank you for your interest in Hollow Pines! We will be in touch.", ""),
        # A requisition number before the title: the role's mail names it with and without.
        (
            "Your online application has been successfully submitted",
            "We've received your job application for 1007276 - Data Science Intern, Cloud "
            "Infrastructure and if there is a match, we'll be in touch.",
            "Data Science Intern, Cloud Infrastructure",
        ),
        (
            "Your application has been received!",
            "We received your submission to the following position(s): R0338095 Associate "
            "Data Engineer (SQL)\nIf you would like to check its status, sign in.",
            "Associate Data Engineer (SQL)",
        ),
        (
            "Thank You for Your Application",
            "Thank you for taking the time to apply to the following position, Data Science "
            "Intern, Distribution and Networks . We are reviewing applications.",
            "Data Science Intern, Distribution and Networks",
        ),
        # Workday's requisition before the title (a year's digits, letters, digits), a
        # posting's state after it, a "Job Number" label the number went to the next line.
        (
            "Confirmation of application received for 23WD51234 Associate Data Analyst",
            "Thank you for applying.",
            "Associate Data Analyst",
        ),
        (
            "Your application has been received!",
            "We received your submission to the following position(s): R0412345 Associate "
            "Data Engineer (Remote) (Open)\nIf you would like to check its status, sign in.",
            "Associate Data Engineer (Remote)",
        ),
        (
            "Thank You for Applying for a Job at Hollow Pines",
            "Thank you for applying for the following position:\nPosition: Retail Analytics "
            "Intern\nJob Number: JR0251234\nApplication There is strong interest in our roles.",
            "Retail Analytics Intern",
        ),
        # A requisition inside the title ends it: what follows is a reference, a sentence
        # or nothing of the role; before it, a person's name is no role either.
        (
            "Your candidate reference number",
            "We are glad to receive your application for the role of Field Data Analyst "
            "204417BR\nCandidate reference no. 1234567\n\nWhat happens next?",
            "Field Data Analyst",
        ),
        (
            "We received your application",
            "We received your application for the position of Lab Scientist – 40917731 and "
            "are reviewing your experience.",
            "Lab Scientist",
        ),
        (
            "A task awaits you: questionnaire for Job Application: Jo Ruiz - 25839528 "
            "Field Analyst (C108955703)",
            "Please log in to complete this action.",
            "Field Analyst",
        ),
        # A posting's number before the title, after "position"; a title after the company
        # one applied with.
        (
            "Your application was received",
            "Thank you for your recent submission of the application for our open position "
            "124 - Product Analyst at Hollow Pines.",
            "Product Analyst",
        ),
        (
            "Application Received",
            "Hi Sam, Thank you for applying with Hollow Pines for Data Insights Analyst. We "
            "are reviewing applications.",
            "Data Insights Analyst",
        ),
        # A year is part of the title.
        (
            "Thank you for Applying",
            "Thank you for submitting your application to the 2024 New Grad Rotational Program.",
            "2024 New Grad Rotational Program",
        ),
        # "Applying to" a bare name is the company, whatever its last word.
        ("Thank you for applying to Hollow Pines Analytics", "We will review it.", ""),
        # A legal entity naming the posting's employer before or after the title is not part
        # of the role: the application's other mail writes the title alone.
        (
            "Update on your application",
            "Thank you for your interest in the Hollow Pines Lending Services USA LLC - Credit "
            "Risk Intern position. We have decided to move forward with other candidates.",
            "Credit Risk Intern",
        ),
        (
            "Application received",
            "Thank you for applying to the Credit Risk Intern - Hollow Pines Bank, N.A. role.",
            "Credit Risk Intern",
        ),
        # A subject in parts: the step before the role, or what happened after it, is not
        # the role; a team's name before it, or the team after it, is.
        ("Technical Assessment - Field Analyst", "Please complete the exercise.", "Field Analyst"),
        (
            "Phone Screen - Field Analyst",
            "We would like to schedule a phone screen with you on Monday at 10am.",
            "Field Analyst",
        ),
        ("Field Analyst - Application Received", "Thanks for applying.", "Field Analyst"),
        ("Deals - Field Analyst Intern", "Thanks for applying.", "Deals - Field Analyst Intern"),
        ("Field Analyst - Platform", "Thanks for applying.", "Field Analyst - Platform"),
        # Tags a posting's title carries in brackets are not the role.
        (
            "About your application",
            "Thank you for applying for the [Pipeline] [Remote] Field Analyst position.",
            "Field Analyst",
        ),
    ],
)
def test_it_finds_the_position(subject, body, position):
    message = email(subject, body, "Hollow Pines Careers", "careers@hollowpines.com")
    assert classify(message).position == position


def test_linkedin_easy_apply_confirmation():
    message = email(
        "Sam, your application was sent to Orchard Robotics",
        "Your application was sent to Orchard Robotics\n\nOrchard Robotics\nRobotics Engineer\n"
        "Applied 2 minutes ago\n\nView similar jobs you may be interested in",
        "LinkedIn",
        "jobs-noreply@linkedin.com",
    )
    analysis = classify(message)
    assert analysis.status is Status.APPLICATION_CONFIRMATION
    assert analysis.company == "Orchard Robotics"


def test_a_job_board_s_card_names_the_role():
    # The card of the job applied to: the company, the title, the company and the place.
    message = email(
        "Sam, your application was sent to Orchard Robotics",
        "Your application was sent to Orchard Robotics\n\nSam Lee\nYour application was sent to"
        " Orchard Robotics\nOrchard Robotics\nData Storytelling Analyst\nOrchard Robotics · "
        "Austin, TX (Hybrid)\nApplied on March 26, 2025\n\nView similar jobs you may be "
        "interested in\nGlobex\nData Analyst I\nGlobex · United States (Remote)",
        "LinkedIn",
        "jobs-noreply@linkedin.com",
    )
    analysis = classify(message)
    assert analysis.company == "Orchard Robotics"
    assert analysis.position == "Data Storytelling Analyst"


@pytest.mark.parametrize(
    ("card_company", "title"),
    [
        # The card spells the company its own way, and the title is the poster's own words.
        ("Orchard Robotics Inc.", "Junior Data Scientist"),
        ("Orchard Robotics - ORB", "Data Analyst-TX"),
        ("Orchard Robotics", "BI Reporting with Tableau Analyst"),
        ("Orchard Robotics", "Business intelligence Reporting Analyst"),
    ],
)
def test_a_job_board_s_card_names_the_role_however_it_spells_them(card_company, title):
    message = email(
        "Sam, your application was sent to Orchard Robotics",
        f"Your application was sent to Orchard Robotics\n\nSam Lee\nYour application was sent"
        f" to Orchard Robotics\n{card_company} \n{title}\n{card_company} · Austin, TX\nApplied"
        " 1 hour ago\n\nView similar jobs you may be interested in\nGlobex\nData Analyst I\n"
        "Globex · United States (Remote)",
        "LinkedIn",
        "jobs-noreply@linkedin.com",
    )
    analysis = classify(message)
    assert analysis.company == "Orchard Robotics"
    assert analysis.position == title


@pytest.mark.parametrize(
    "message",
    [
        email(
            "12 new jobs for 'Data Engineer'",
            "Hi Sam, here are new jobs that match your preferences:\n* Data Engineer - Acme - "
            "Remote\n* Data Engineer - Globex - Hybrid\nSee all jobs. Manage your job alerts.",
            "LinkedIn Job Alerts",
            "jobalerts-noreply@linkedin.com",
        ),
        email(
            "Exciting opportunity: Senior Java Developer (W2 contract)",
            "Hi Sam, I came across your profile and thought you would be a great fit for a role "
            "with my client. Would you be available for a quick call tomorrow to discuss? "
            "Please share your updated resume.",
            "Raj from TalentBridge",
            "raj@talentbridge-staffing.com",
        ),
        email(
            "This week in data engineering",
            "Our interview with the founder of a streaming startup, five talks worth watching, "
            "and the jobs board. Unsubscribe at any time.",
            "Data Weekly",
            "newsletter@dataweekly.example",
            list_id="<data-weekly.example>",
        ),
        email(
            "Dinner on Saturday?",
            "Are you free this weekend? We could try the new ramen place.",
            "Maya",
            "maya@gmail.com",
        ),
        email("30% off all", "Offer ends Sunday. Shop now!", "Urban Goods", "deals@shop.example"),
        email(
            "Reset your password",
            "We received a request to reset your password for your Acme careers account.",
            "Acme Careers",
            "noreply@acme.com",
        ),
    ],
    ids=["job alert", "recruiter outreach", "newsletter", "friend", "promotion", "password"],
)
def test_mail_that_is_not_about_an_application(message):
    analysis = classify(message)
    assert analysis.status is Status.NOT_JOB_RELATED
    assert not analysis.is_job
    assert (analysis.company, analysis.position) == ("", "")


def test_replies_are_judged_by_their_body_not_the_subject_they_answer():
    message = email(
        "Re: Could you share your availability?",
        "Hi Sam, thanks for getting back to me. Your interview for Product Analyst has been "
        "scheduled for Thursday at 2:00 PM. It will be a video call with the hiring manager.",
        "Lena Ortiz",
        "lena.ortiz@copperleaf.com",
    )
    assert classify(message).status is Status.INTERVIEW_INVITATION


def test_quoted_history_below_a_reply_does_not_decide():
    message = email(
        "Re: Application update",
        "Thanks, I appreciate the update!\n\nOn Mon, 3 Mar 2025 at 09:12, Copperleaf Careers "
        "<jobs@copperleaf.com> wrote:\n> We regret to inform you that we will not be moving "
        "forward with your application.",
        "Sam Lee",
        "sam.lee@gmail.com",
    )
    assert classify(message).status is Status.NOT_JOB_RELATED


@pytest.mark.parametrize(
    "message",
    [
        email("", ""),
        email("\x00\x01\x02", "\ud7ff" * 10),
        email("Re: Re: Fwd:", ">>>\n> quoted only"),
        email("A" * 10_000, "interview " * 50_000, "x" * 5000, "@@@"),
        email("Offer", "(((((((((( [[[[ **** ++++ ???? \\\\ $$$$ ^^^^"),
        email("Thank you for applying", "İstanbul ﬁrm ß ǅ " * 1000, "İ", "İ@İ.İ"),
    ],
    ids=["empty", "control characters", "quotes only", "huge", "regex metacharacters", "unicode"],
)
def test_odd_input_gets_an_analysis_not_an_exception(message):
    analysis = classify(message)
    assert analysis.status in Status
    assert 0.0 <= analysis.confidence <= 1.0
    assert len(analysis.company) <= 120
    assert len(analysis.position) <= 120
    assert len(analysis.details) <= 200


def test_it_is_deterministic():
    assert classify(INTERVIEW) == classify(INTERVIEW)
    assert classify(INTERVIEW).details == classify(INTERVIEW).details


def test_an_ats_asking_for_an_action_in_no_job_words_asks_for_that_action():
    message = email(
        "Please confirm your details - Brightline Labs",
        "Hi Sam,\n\nPlease upload your diploma and the signed consent form through the link "
        "below. If you have done this already, you can ignore this email.\n\nBest,\nLena",
        "Brightline Labs Recruiting",
        GREENHOUSE,
    )
    # Not an acknowledgement (what an ATS's mail with no cue at all most likely is).
    assert classify(message).status is Status.ACTION_REQUIRED


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (
            "Hi Sam, we'd like to invite you to a virtual onsite next Tuesday: three short "
            "conversations with the team. Best, Lena",
            Status.INTERVIEW_INVITATION,
        ),
        (
            "Hi Sam, great talking today. Please complete the HackerRank coding challenge by "
            "Friday evening. Best, Lena",
            Status.ASSESSMENT,
        ),
        (
            "Hi Sam, before we go on, could you let us know your salary expectations and your "
            "notice period? Thanks, Lena",
            Status.INFORMATION_REQUEST,
        ),
    ],
    ids=["onsite", "coding challenge", "salary expectations"],
)
def test_a_recruiter_s_personal_mail_naming_a_hiring_step_is_job_mail(body, status):
    # No word of applications or roles: the step itself says it is a hiring process.
    message = email("Re: next week", body, "Lena Ortiz", "lena.ortiz@gmail.com")
    assert classify(message).status is status


def test_a_document_named_for_the_reader_is_no_position():
    # An e-signature envelope's subject names the document, whose name carries the reader's:
    # it is no role (read as one, it made an application of its own).
    message = email(
        "Please DocuSign: Northwind Analytics Offer Letter - Sam Lee",
        "Hi Sam Lee,\n\nJordan Park sent you a document to review and sign: Northwind "
        "Analytics Offer Letter.\n\nWe're excited to have you on the team.",
        "Jordan Park via DocuSign",
        "dse_na3@docusign.net",
        account_name="Sam Lee",
    )
    analysis = classify(message)
    assert analysis.status is Status.OFFER
    assert analysis.position == ""
    # The document is named for the employer: that names the company.
    assert analysis.company == "Northwind Analytics"


@pytest.mark.parametrize(
    "subject",
    [
        "Hollow Pines Analytics - Application Confirmation",
        "Hollow Pines Analytics: Application Received",
        "Hollow Pines Analytics | Thank you for applying",
    ],
)
def test_a_subject_led_by_the_company_names_no_role(subject):
    # "Analytics" is a title's noun, but here the company's: the body names the role.
    message = email(
        subject,
        "Hollow Pines Analytics\n\nSam Lee,\n\nGreat news - we've received your application "
        "for Business Intelligence Analyst. Regards,\nHollow Pines Analytics Recruiting Team",
        "Hollow Pines Analytics Workday",
        "hollowpinesanalytics@myworkday.com",
        account_name="Sam Lee",
    )
    analysis = classify(message)
    assert analysis.company == "Hollow Pines Analytics"
    assert analysis.position == "Business Intelligence Analyst"


def test_a_subject_led_by_the_company_still_names_its_role():
    message = email(
        "Hollow Pines - Data Analyst",
        "Thank you for your application. We will be in touch.",
        "Hollow Pines Careers",
        "careers@hollowpines.com",
        account_name="Sam Lee",
    )
    assert classify(message).position == "Data Analyst"


def test_a_role_after_the_reader_s_name_is_still_found():
    message = email(
        "Application Received for Sam Lee - JR0276676 Machine Learning Data Engineer",
        "Thank you for applying for the Machine Learning Data Engineer position.",
        "Hollow Pines Careers",
        "careers@hollowpines.com",
        account_name="Sam Lee",
    )
    assert classify(message).position == "Machine Learning Data Engineer"


def test_a_letterhead_names_the_company_when_nothing_else_does():
    # A recruiter's personal mailbox, a template headed by the employer's name alone.
    message = email(
        "Regarding your application for UX Researcher",
        "Hollow Pines Analytics\n\nHello Sam,\n\nThe position has been filled, and we will not "
        "be scheduling further interviews for UX Researcher.\n\nKind regards,\nEmily Carter",
        "Emily Carter",
        "emily.carter85@yahoo.com",
        account_name="Sam Lee",
    )
    analysis = classify(message)
    assert (analysis.company, analysis.position) == ("Hollow Pines Analytics", "UX Researcher")


def test_a_letterhead_gives_way_to_the_employer_the_text_names():
    message = email(
        "Your application",
        "Notification\n\nThank you for applying to Hollow Pines Analytics. We will review your "
        "application for the Data Analyst role.",
        "Hollow Pines Analytics",
        "no-reply@greenhouse.io",
        account_name="Sam Lee",
    )
    assert classify(message).company == "Hollow Pines Analytics"


@pytest.mark.parametrize(
    ("subject", "body", "status"),
    [
        # A confirmation whose one request is a form it calls voluntary: a confirmation.
        (
            "ACTION NEEDED: We've received your application for the Data Analyst position",
            "Thanks for your interest in Brightline Labs. We've received your application for "
            "the following position: 77012 Data Analyst. To meet our equal opportunity "
            "reporting duties we need some more information. Please complete the "
            "self-identification questionnaire. Providing this information is voluntary and "
            "not required to continue the application process.",
            Status.APPLICATION_CONFIRMATION,
        ),
        (
            "We've received your Brightline Labs job application",
            "Great news: we've received your application for the role of Data Analyst. We will "
            "review it and be in touch. Please complete a brief tax-credit questionnaire; we "
            "ask all applicants to complete this voluntary questionnaire. Log in to the "
            "candidate portal to complete the questionnaire.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # The same confirmation with a request the application waits on: an action.
        (
            "ACTION NEEDED: We've received your application for the Data Analyst position",
            "Thanks for your interest in Brightline Labs. We've received your application for "
            "the following position: 77012 Data Analyst. Please complete your candidate "
            "profile before we can review your application.",
            Status.ACTION_REQUIRED,
        ),
    ],
)
def test_a_voluntary_form_beside_a_confirmation_asks_nothing(subject, body, status):
    message = email(subject, body, "Brightline Labs Careers", "brightline@myworkday.com")
    assert classify(message).status is status


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # A call the writer says will follow the review: how the process goes, no invitation.
        (
            "Thank you for applying to Brightline Labs. Our team will review your application "
            "and we will schedule a call to get to know you better.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # With a day and time of its own, or asked for now, it is one.
        (
            "Hi Sam, thanks for your time. We will schedule a call for Tuesday at 3pm with the "
            "hiring manager.",
            Status.INTERVIEW_INVITATION,
        ),
        (
            "Hi Sam, we'd like to schedule a call with you to discuss the role. Please pick a "
            "time that suits you.",
            Status.INTERVIEW_INVITATION,
        ),
    ],
)
def test_a_call_that_will_follow_the_review_is_no_invitation(body, status):
    message = email("Your application", body, "Brightline Labs Recruiting", GREENHOUSE)
    assert classify(message).status is status


@pytest.mark.parametrize(
    "body",
    [
        # The choice written passively.
        "Thank you for applying for the Records Clerk post with Harbor County. The review is "
        "complete and another candidate has been selected for the post.",
        # The search is over.
        "Thanks for applying to the Growth Analyst role. We have identified our successful "
        "candidate and are closing our search for now.",
        # The posting takes no one any more.
        "Thank you for your interest in Harbor County. This position is no longer accepting "
        "applicants, but we wish you every success.",
    ],
)
def test_a_turn_down_written_without_the_usual_words_is_a_rejection(body):
    message = email("About your application", body, "Harbor County Careers", GREENHOUSE)
    assert classify(message).status is Status.REJECTION


@pytest.mark.parametrize(
    "body",
    [
        # Being a finalist, or the successful candidate's future duties, is no turn-down.
        "Great news: you are one of our finalists for the Growth Analyst role. We will be in "
        "touch about the final interview.",
        "The successful candidate will join the growth team. We received your application and "
        "will review it shortly.",
    ],
)
def test_words_near_a_turn_down_that_decide_nothing(body):
    message = email("About your application", body, "Harbor County Careers", GREENHOUSE)
    assert classify(message).status is not Status.REJECTION


def test_scheduling_a_screen_of_two_kinds_is_an_invitation():
    message = email(
        "Data Engineer - next step",
        "Hello Sam, I am writing to schedule your technical phone screen for the Data Engineer "
        "position. Which of these times works for you: Tuesday 10:00 AM or Wednesday 2:00 PM?",
        "Priya Nair",
        "priya.nair@brightlinelabs.com",
    )
    assert classify(message).status is Status.INTERVIEW_INVITATION


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # An onsite day whose agenda names a coding challenge: the interview is the news.
        (
            "Hi Sam, we would like to invite you to the final round of interviews for the "
            "Platform Engineer role. The onsite day includes a system design discussion, a "
            "coding challenge with two engineers and lunch with the team. Please confirm your "
            "availability for Thursday.",
            Status.INTERVIEW_INVITATION,
        ),
        # Asked to take one before the interview: the assessment is the news.
        (
            "Hi Sam, before we invite you to interview, please complete the coding challenge "
            "at the link below within five days.",
            Status.ASSESSMENT,
        ),
    ],
)
def test_an_assessment_named_in_an_interview_s_agenda_is_part_of_the_interview(body, status):
    message = email("Platform Engineer - next steps", body, "Priya Nair", "priya@brightline.io")
    assert classify(message).status is status
