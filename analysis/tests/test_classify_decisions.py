"""The rules read decisions sentence by sentence: rejections however phrased, offers and
invitations only when they are the reader's, withdrawals the reader asked for, and a
confidence that follows the evidence. Every text here is written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.classify import EmailInput, Status
from analysis.engines import decisions, rules
from analysis.engines.rule_text import prepare
from analysis.engines.triggers import Scan
from analysis.results import AnalysisResult, needs_review

SENDER = ("Orrin Talent Team", "no-reply@us.greenhouse-mail.io")


def email(body: str, subject: str = "Your application", **extra: str) -> EmailInput:
    return EmailInput("m1", subject, SENDER[0], SENDER[1], None, body, **extra)


def status_of(body: str, subject: str = "Your application") -> Status:
    return rules.analyse(email(body, subject)).status


OPENING = "Thank you for applying to Orrin Labs. "


@pytest.mark.parametrize(
    "decision",
    [
        # a negation and a decision word with a title and asides between them
        "We will not, at this point, be progressing your candidacy for the Staff Platform"
        " Engineer (Payments) opening.",
        # contractions
        "Your portfolio isn't quite the fit our studio needs this season.",
        "We won't be taking your candidacy to the panel stage.",
        "We haven't been able to identify a suitable match for your profile in this team.",
        # passive and active closures of the job
        "The requisition for this opening has been closed.",
        "The vacancy was filled by an internal transfer earlier this week.",
        "We have filled the analyst role from our graduate pool.",
        # regret without "inform"
        "We regret that we are unable to take your application forward.",
        "Sadly, your name is not on the final shortlist.",
        # someone else chosen
        "The panel has gone with a candidate whose background is in retail banking.",
        "An offer has been made to another applicant.",
        "We have decided to continue with other finalists for this post.",
        # self-negated outcomes
        "Your application for the post of Archivist was unsuccessful.",
        # the writer decides without naming the reader
        "After a long discussion, we've made the decision not to go forward for now.",
        # a title between the job and its closing
        "The opening you applied to, Senior Archivist (Maps), has been filled.",
        # regret with a comparison, in a sentence that also counts other applicants
        "We heard from many capable applicants and regrettably are choosing a path that"
        " better suits the team.",
        # "may" softens, it does not make hypothetical
        "Having compared profiles, we feel others may better match the brief.",
        # negative framing without "not"
        "The committee decided against advancing your candidacy.",
        # another course, an internal hire, a comparison without a suitability word
        "We have chosen to go a different way with this hire.",
        "In the end we opted to appoint internally.",
        "The reviewers judged that other finalists were stronger.",
        # requirements and suitability
        "Your experience doesn't meet the essential criteria for this grade.",
    ],
)
def test_rejections_are_read_in_many_phrasings(decision):
    assert status_of(OPENING + decision) is Status.REJECTION


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # hypothetical: a process described, not a decision
        (
            OPENING + "If you are not selected for an interview, we will keep your CV on file.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # a rule for everyone, not about the reader
        (
            OPENING + "Please note that late applications will not be considered. We have"
            " received your application and will review it soon.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # "further" directs nothing here
        (
            OPENING + "We have received your application; you don't need to take any further"
            " action.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # third parties: shortlisted applicants are not the reader
        (
            OPENING + "We have received your application. Shortlisted applicants will be"
            " contacted to arrange interviews after the closing date.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # negated offer
        (
            OPENING + "After the final round we are unable to extend you an offer.",
            Status.REJECTION,
        ),
        # a negation that stops at another verb
        (
            OPENING + "We have received your application. Answering the optional survey will"
            " not have any effect on you being considered.",
            Status.APPLICATION_CONFIRMATION,
        ),
        (
            OPENING + "We have received your application. If we don't call you, it doesn't mean"
            " you're not a good fit.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # a rule for a group of applicants, in a regex cue's words
        (
            OPENING + "We have received your application. Applicants who do not meet the"
            " criteria will not be contacted.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # "hiring" names a team here
        (
            OPENING + "We have received your application; your salary history is not shared"
            " with the hiring team.",
            Status.APPLICATION_CONFIRMATION,
        ),
        # the candidate's own request
        (
            "You asked us to take your application out of consideration, and we have done so.",
            Status.WITHDRAWAL,
        ),
        (
            "As you requested, your candidacy for the Data Steward role has been removed.",
            Status.WITHDRAWAL,
        ),
    ],
)
def test_who_is_acted_on(body, expected):
    assert status_of(body) is expected


def test_an_offer_made_to_someone_else_is_never_an_offer():
    body = (
        OPENING + "Thank you for the interviews last week. The offer letter for this role has"
        " gone to another candidate, and the position is now filled."
    )
    assert status_of(body, "Outcome of your interviews") is Status.REJECTION


def test_an_invitation_to_other_applicants_is_not_the_readers():
    body = (
        OPENING + "Other applicants will be invited to the final round of interviews; we"
        " won't be inviting you to continue."
    )
    assert status_of(body) is Status.REJECTION


def test_a_talent_network_footer_does_not_make_a_rejection_a_job_alert():
    body = (
        OPENING + "We will not be moving your application forward.\n\nJoin our talent"
        " network to get job alerts for new roles and openings."
    )
    assert status_of(body) is Status.REJECTION


def test_questions_decide_nothing():
    found = decisions.read(Scan.of("would you not prefer to continue with your application?"))
    assert found == decisions.NONE


@pytest.mark.parametrize(
    ("text", "rejections"),
    [
        # Regret denied decides nothing: a pitch's "don't regret it later" turns nobody down.
        ("jump on board with this offer while you can, don't regret it later", 0),
        ("apply to the role today: you won't regret it", 0),
        # Regret that a decision follows still does.
        ("we regret that we are unable to take your application forward", 1),
        ("unfortunately we won't be moving forward with your application", 1),
    ],
)
def test_regret_denied_is_no_decision(text: str, rejections: int) -> None:
    assert decisions.read(Scan.of(text)).rejections == rejections


def test_the_detector_skips_texts_without_a_trigger_word():
    text = "we received your application for the analyst role and will review it"
    assert decisions.read(Scan.of(text)) == decisions.NONE


def test_the_window_is_counted_in_words():
    far = "we will not " + "really " * (decisions.WINDOW + 1) + "progress your application."
    near = "we will not " + "really " * (decisions.WINDOW - 2) + "progress your application."
    assert decisions.read(Scan.of(far)).rejections == 0
    assert decisions.read(Scan.of(near)).rejections == 1


# -- confidence ---------------------------------------------------------------------------


def confidence(body: str, subject: str = "Your application") -> float:
    return rules.analyse(email(body, subject)).confidence


def test_agreeing_evidence_is_more_confident_than_one_cue():
    one = confidence(OPENING + "Your portfolio isn't quite the fit our studio needs.", "Hello")
    two = confidence(
        OPENING + "We regret to inform you that we will not be progressing your application."
        " The role has since been filled.",
        "Hello",
    )
    assert two > one


def test_a_confirmation_resting_on_thanks_alone_is_doubtful():
    stated = confidence(OPENING + "We have received your application and will review it.")
    thanks_only = confidence(OPENING + "Our office moves to Leeds next month.")
    assert thanks_only < stated


def test_regret_beside_a_confirmation_lowers_its_confidence():
    plain = confidence(OPENING + "We have received your application and will review it.")
    regretful = confidence(
        OPENING + "We have received your application. Unfortunately the team is small and"
        " we will keep your CV on file."
    )
    assert regretful < plain


def test_needs_review_follows_the_threshold(settings):
    result = AnalysisResult("m", "", "", None, Status.REJECTION, "", "", "", 0.55)
    settings.ANALYSIS_REVIEW_THRESHOLD = 0.6
    assert result.needs_review
    settings.ANALYSIS_REVIEW_THRESHOLD = 0.5
    assert not result.needs_review
    assert needs_review(0.7, threshold=0.8)


# -- companies ----------------------------------------------------------------------------


def company_of(message: EmailInput) -> str:
    return rules.analyse(message).company


def test_html_entities_in_plain_text_are_unescaped():
    message = EmailInput(
        "m", "Your application to Pell &amp; Rowe", "Pell &amp; Rowe", "jobs@pellrowe.example",
        None, "Thank you for applying to Pell &amp; Rowe. We have received your application.",
    )  # fmt: skip
    assert company_of(message) == "Pell & Rowe"


def test_a_requisition_number_or_title_fragment_is_no_company():
    message = EmailInput(
        "m", "Machine Learning 48213", "Workday", "tqx@myworkday.com", None,
        "Thank you for applying. We have received your application.\n\nTalent Acquisition\n"
        "Tarquin Exports",
    )  # fmt: skip
    assert company_of(message) == "Tarquin Exports"


def test_the_account_holders_name_is_never_the_company():
    message = EmailInput(
        "m", "Imogen Vance - Interview", "Tern Robotics HR", "hr@ternrobotics.example", None,
        "Hi Imogen, we would like to invite you to an interview next week.",
        account_name="Imogen Vance",
    )  # fmt: skip
    assert company_of(message) == "Tern Robotics"


def test_a_spelled_out_name_beats_the_tenant_abbreviation():
    message = EmailInput(
        "m", "Thank you for applying", "MRF Recruiting", "mrf@myworkday.com", None,
        "Thank you for your interest in Marrow Field Foods. We have received your application.",
    )  # fmt: skip
    assert company_of(message) == "Marrow Field Foods"


def test_a_name_the_subject_spells_out_beats_a_signed_abbreviation():
    message = EmailInput(
        "m", "Quarry Vale Council Summer 2027 Internship Decision", "", "forms@qvhsg.example",
        None, "Thank you for your interest in QVC. Unfortunately you have not been selected.",
    )  # fmt: skip
    assert company_of(message) == "Quarry Vale Council"


def test_a_careers_domain_names_the_company_without_its_careers_word():
    message = EmailInput(
        "m", "Thanks for applying", "", "apply@ZelcorCareers.example", None,
        "Thank you for applying. Zelcor Careers has received your application.",
    )  # fmt: skip
    assert company_of(message) == "Zelcor"


def test_a_platform_hiring_for_itself_is_the_company():
    own = EmailInput(
        "m", "Thank you from Workday!", "", "do-not-reply@workday.com", None,
        "Thank you for your interest in joining us here at Workday. We have decided to pursue"
        " other candidates.",
    )  # fmt: skip
    assert company_of(own) == "Workday"
    # A tenant's mail through the same platform names the tenant, never the platform.
    tenant = EmailInput(
        "m", "Thank you for applying", "Workday", "brindle@myworkday.com", None,
        "Thank you for your interest in Brindle Mills. Sign in to your Workday account.",
    )  # fmt: skip
    assert company_of(tenant) == "Brindle Mills"


def test_prepare_keeps_text_without_entities_as_it_is():
    text = prepare(email("Tom & Jerry; not an entity"))
    assert "Tom & Jerry; not an entity" in text.flat


def test_the_person_who_signs_is_not_the_company():
    message = EmailInput(
        "m", "Invitation: Archivist interview with Dorothea Quint", "Lanternfish Museums",
        "no-reply@us.greenhouse-mail.io", None,
        "We'd like to invite you to an interview with Dorothea Quint next week.\n\n"
        "Kind regards,\nDorothea Quint",
    )  # fmt: skip
    assert company_of(message) == "Lanternfish Museums"


def test_an_organisation_that_signs_stays_a_company():
    message = EmailInput(
        "m", "Thank you for applying", "", "careers@brackenhollow.example", None,
        "We have received your application.\n\nBest regards,\nBracken Hollow Analytics",
    )  # fmt: skip
    assert company_of(message) == "Bracken Hollow Analytics"


@pytest.mark.parametrize(
    "request_text",
    [
        "Please send us your portfolio and two writing samples.",
        "Would you mind sharing your current notice period?",
        "What would be your expected day rate for this contract?",
        "We'd need your right-to-work documents before the next step.",
    ],
)
def test_requests_to_the_reader_are_information_requests(request_text):
    assert status_of("Thanks for your application. " + request_text) is (Status.INFORMATION_REQUEST)


def test_an_offer_of_help_is_no_request():
    body = (
        OPENING + "We have received your application and will review it. If you have any"
        " questions, please let us know."
    )
    assert status_of(body) is Status.APPLICATION_CONFIRMATION


def test_an_update_on_a_named_application_is_job_mail_to_review():
    update = EmailInput(
        "m", "An update on your recent Quillon application", "Quillon Talent Acquisition",
        "talent@quillon.example", None, "",
    )  # fmt: skip
    analysis = rules.analyse(update)
    assert analysis.status is Status.APPLICATION_CONFIRMATION
    assert analysis.company == "Quillon"
    assert needs_review(analysis.confidence)
    # Capitals name an employer or a role; "your loan application" stays the bank's business.
    loan = EmailInput(
        "m", "Your loan application", "Brightwater Bank", "alerts@brightwater.example", None,
        "Your loan application was approved.",
    )  # fmt: skip
    assert rules.analyse(loan).status is Status.NOT_JOB_RELATED


@given(st.text(alphabet="ab .!?\n\t\u00a0\u2028", max_size=40))
@settings(max_examples=400, deadline=None)
def test_sentences_end_where_the_boundary_pattern_says(text: str) -> None:
    """``_sentence_ends`` finds with ``str.find`` what ``_BOUNDARY`` would: a mark, then any
    whitespace (Unicode's too)."""
    expected = [match.start() + 1 for match in decisions._BOUNDARY.finditer(text)]
    assert decisions._sentence_ends(text) == expected
