"""Phrases that say what a job-application email is about, by status and strength.

A *strong* cue states the status on its own ("we regret to inform you", "offer letter");
a *weak* cue only leans towards it ("interview", "congratulations"). Patterns run on the
normalised, lower-cased text (straight quotes, single spaces; see ``text.normalise``).
"""

from __future__ import annotations

import re

from analysis.engines.triggers import Triggered
from analysis.status import Status

S = Status

# When several statuses have strong cues, the first in this order wins: an explicit
# withdrawal or rejection outweighs the polite confirmation wording around it; an invitation
# to a test or an interview outweighs the request for availability that schedules it; a plain
# request (availability, references) outweighs the "we received your application" around it.
PRIORITY: tuple[Status, ...] = (
    S.WITHDRAWAL,
    S.REJECTION,
    S.OFFER,
    S.ASSESSMENT,
    S.INTERVIEW_INVITATION,
    S.INFORMATION_REQUEST,
    S.ACTION_REQUIRED,
    S.APPLICATION_CONFIRMATION,
)
# These end or decide an application: stated anywhere, they are what the email is about.
DECISIVE = frozenset({S.WITHDRAWAL, S.REJECTION, S.OFFER})
# Banks, bounces and security notices say "action required" too: this status needs words
# of a job search around it.
NEEDS_CONTEXT = frozenset({S.ACTION_REQUIRED})  # even from an ATS: Workday also runs HR tasks

_WE = r"(?:we(?:'ve| have|'re| are|'ll| will|'d| would)?|i(?:'ve| have|'m| am|'d| would)?)"
_MOVE_ON = (
    r"(?:move|moving|go|going|proceed|proceeding|progress|progressing|advance|advancing|continue"
    r"|continuing|take|taking)"
)
_OTHERS = (
    r"(?:other|another|a different|different|others|someone else|a candidate|the candidate"
    r"|candidates|applicants|a more)"
)

# An assessment named, not asked for: beside an interview it is what the interview holds
# ("a full-day onsite: system design, coding challenges, lunch with the team").
ASSESSMENT_NAMED = (
    r"online assessment|coding challenge|coding exercise|take-home|take home|skill tests?"
    r"|skills tests?"
)

STRONG: dict[Status, tuple[str, ...]] = {
    S.WITHDRAWAL: (
        r"(?:application|candidacy|candidature)(?: for [^.]{1,80})? (?:has been|was|is|were)"
        r" (?:successfully )?withdrawn",
        r"withdr[ae]wn? (?:your|you from|from consideration|as you requested|per your request)",
        r"withdrawal (?:request|confirmation|confirmed|of your application)",
        r"(?:request|decision|wish) to withdraw",
        r"have withdrawn you",
    ),
    S.REJECTION: (
        r"regret to (?:inform|let you know|advise|share)",
        r"(?:not|won't|wouldn't|can't|cannot|unable to|decided not to|chosen not to|no longer)"
        r" (?:be )?"
        + _MOVE_ON
        + r" (?:forward |further |ahead )?(?:with |to )?(?:your|you\b|in the|the next|it\b)",
        r"(?:does|do|did) not (?:meet|match) (?:our|the) (?:current |minimum )?(?:requirements"
        r"|needs|criteria|qualifications)",
        r"(?:decided|chosen|opted|elected|made the decision|going|decision) (?:not )?to (?:move|go|"
        r"proceed|continue|pursue|keep moving|move ahead|progress)(?: forward| ahead)?"
        r" (?:with |in )?" + _OTHERS,
        r"(?:move|moving|go|going) (?:forward|ahead) with (?:other|another|a different|others"
        r"|someone else|candidates whose|applicants whose)",
        r"(?:pursue|pursuing|proceed with|proceeding with|select|selected|chosen|chose|hired|"
        r"identified|offered the (?:position|role) to) (?:an?other|other|a different|different"
        r"|a more|someone else)",
        r"(?:filled|cancelled|canceled|closed) (?:the|this) (?:role|position|opening)",
        r"(?:position|role|opening|requisition|job) (?:you applied (?:for|to) )?(?:has been|was"
        r"|is|have been) (?:filled|cancell?ed|closed|put on hold|no longer (?:available|open))",
        r"no longer (?:be |being )?(?:under )?consider|no longer (?:recruiting|reviewing|hiring"
        r"|accepting|considering)(?: applications| applicants| candidates)? for",
        # The choice written passively: "another applicant has been selected for this position".
        r"(?:another|other|a different|a more qualified|the successful) (?:applicant|candidate"
        r"|person|individual)s? (?:has|have|was|were) (?:now )?(?:been )?(?:selected|chosen|hired"
        r"|offered the (?:position|role|job))",
        # The search ended: "we have found a finalist ... and are concluding our search".
        r"(?:concluding|concluded|closing|closed|ending|ended|completed) (?:our|the) search\b"
        r"|(?:found|identified|selected|chosen) (?:a|our|the) (?:finalist|successful"
        r" (?:candidate|applicant))\b",
        r"(?:position|role|opening|requisition|vacancy|job) (?:is|are|has been) no longer"
        r" (?:accepting|taking|considering) (?:applications|applicants|candidates)",
        r"(?:considering|consider|explore|exploring|pursue|pursuing) other (?:candidates"
        r"|applicants)(?: whose| who| for)",
        r"ending (?:your )?consideration|not (?:been )?selected (?:for|to)",
        r"(?:do not|does not|don't|doesn't|didn't|did not) see a (?:fit|match)",
        r"not (?:a |the right )?(?:fit|match) (?:at this time|for (?:this|the) (?:role|position))",
        r"(?:unable|not able) to (?:offer you|move forward|proceed|progress|advance)",
        r"(?:not|won't) (?:be )?(?:advancing|progressing|proceeding with) your"
        r" (?:candidacy|application)",
        r"not to (?:advance|progress|proceed with) your",
        r"(?:in|to) a different direction",
        r"(?:unfortunately|regrettably|sadly)\b,? (?:we|you|the (?:team|hiring)|after|at this time"
        r"|[a-z][a-z &.'-]{1,40} has decided)[^.]{0,120}?\b(?:not|another|other|no longer"
        r"|unable|won't)\b",
        r"not (?:be )?(?:scheduling|considering you|offering you|taking your application)",
        r"(?:decided|decision) not to (?:take|invite|interview|offer|extend)",
        r"will not be (?:able to )?(?:offer|invit)",
    ),
    S.OFFER: (
        # Singular: "employment offers are made by ..." (a scam notice) offers nothing.
        r"(?:offer letter|offer of employment|employment offer|formal offer|written offer)\b",
        r"(?:offer (?:package|details|paperwork)|verbal offer)\b",
        r"(?:pleased|happy|delighted|excited|thrilled|glad|pleasure|honored|honoured)"
        r" (?:to|that we can) (?:formally |officially )?(?:offer|extend"
        r"|present you with an? offer)",
        r"(?:extend|extending|present you with|presenting you with) (?:you )?(?:an?|the|our|this)"
        r" (?:formal |official |verbal |conditional )?offer",
        r"(?:like|love|want) to (?:formally |officially )?(?:offer you|extend (?:you )?an? offer)",
        r"(?:we're|we are) (?:formally )?offering you",
        r"selected as (?:our|the) (?:new|successful)|welcome aboard|your offer (?:for|from|of)",
        r"(?:excited|thrilled|happy|delighted|glad) to have you join|welcome to the team",
        r"(?:confirm|confirming) (?:our|your|the) (?:job |formal |written )?offer",
        r"(?:recommended|approved) (?:you )?for appointment|appoint you (?:to|as)",
        r"to accept(?: the offer)?,? please sign|sign (?:and return )?(?:the|your) offer",
        r"offer (?:is valid|expires|for the [^.]{1,60} (?:role|position) has been accepted)",
    ),
    S.INFORMATION_REQUEST: (
        r"(?:share|send|provide|let (?:us|me) know|confirm|tell (?:us|me)|give (?:us|me)|reply with"
        r"|know) (?:us |me )?(?:with )?(?:your|some|a few|two|three|\d) ?(?:general )?"
        r"(?:availability|available times|time ?slots|times that work|salary expectations"
        r"|expected salary|compensation expectations|notice period|earliest (?:possible )?start"
        r"|start date|references|work authori[sz]ation|visa status|desired salary)",
        r"your (?:availability|salary expectations|compensation expectations|earliest start date)",
        r"when (?:are|would|will) you (?:be )?(?:free|available)",
        # "Are you free this weekend?" is a friend's question; a recruiter's names the meeting.
        r"(?:would|will|are|do|could) you (?:be )?(?:available|free|have (?:some )?time|able to"
        r" (?:meet|chat|talk|join|hop on|speak))(?: [\w'-]+){0,6}? (?:call|chat|interview|"
        r"conversation|meeting|screen|screening|discussion|zoom|teams|phone|video|connect)\b",
        r"(?:two|three|four|five|2|3|4|5|a few|some|several) (?:time ?slots|times|windows) that"
        r" (?:work|suit)",
        r"(?:names|contact (?:details|information)) (?:and contact details |of )?(?:of )?"
        r"(?:two|three|\d|your)? ?(?:professional )?references",
        r"references requested|(?:request|requesting) (?:your |some )?references",
        r"a few (?:quick |more |additional )?questions (?:before|about|regarding|for you)",
        r"(?:could|can) you (?:please )?(?:reply|respond) (?:to confirm|with|and let)",
        r"(?:are you|would you be) (?:open|willing) to (?:work|relocat|commut)",
        r"(?:names|details) of (?:two|three|\d|your) (?:professional )?(?:referees|references)",
        r"(?:could|can) we (?:schedule|set up|arrange|find a time for) (?:a|an|some)\b",
        r"(?:can|could|would) you join us for",
    ),
    S.ASSESSMENT: (
        r"(?:online|coding|skills?|cognitive|personality|psychometric|aptitude|situational"
        r" judge?ment|numerical|verbal|logical|technical) (?:assessment|test|challenge|exercise"
        r"|evaluation) (?:link|invitation|portal|platform|here)",
        r"(?:complete|take|start|begin|finish|submit) (?:the|an|your|our|a|this|these|both)"
        r"(?: [\w-]+){0,7} (?:assessments?|challenges?|tests?|exercises?)\b",
        # A stage of the process named after a test: "moved to the assessment stage".
        r"(?:moved|progressed|advanced|invited|proceed|progress|move) to the (?:online |written )?"
        r"(?:assessment|testing|test|exercise|case study) (?:stage|phase|step|round)",
        r"(?:invite|invited|inviting) you to (?:complete|take|participate in) (?:an?|the|our)"
        r"(?: [\w-]+){0,3} (?:assessment|test|challenge|exercise)",
        ASSESSMENT_NAMED,
        r"assessment (?:invitation|link|portal)|(?:start|begin) (?:the )?assessment",
        r"(?:hackerrank|codesignal|codility|testgorilla|hirevue|coderpad|karat|pymetrics)\b",
        r"one-way video|one way video|record (?:your )?(?:answers|responses|video)"
        r"|video (?:assessment|screen)",
        r"assessment (?:type|deadline|duration)|(?:assessment|challenge|exercise) (?:takes|will"
        r" take|should take)",
    ),
    S.INTERVIEW_INVITATION: (
        r"(?:invite|inviting|invitation for) you (?:to|for|on) (?:an?|the|our|your)?"
        r"(?: [\w-]+){0,3} ?(?:interview|phone screen|screening|call|chat|conversation|meeting"
        r"|onsite|on-site|next round|round|discussion)",
        r"(?:like|love|want|happy|excited|pleased) to (?:schedule|set up|arrange|book|invite you"
        r" to|move forward with)(?: an?| the| your| some)?(?: [\w-]+){0,3} ?(?:interview|phone"
        r" screen|screen|call|chat|conversation|meeting|onsite|time)",
        r"interview (?:invitation|invite|request|confirmation|schedule|details|is confirmed)",
        # A meeting at a set time is an interview, whatever it tests ("your coding assessment
        # is scheduled for Thursday at 10 AM").
        r"(?:interview|screen|screening|call|onsite|presentation|conversation|meeting|interviews"
        r"|assessment|test)(?: (?:with|for) [^.]{1,60}?)? (?:(?:is|are|has been|have been|was"
        r"|will be) (?:now )?(?:scheduled|confirmed|set|booked|held|taking place|take place)"
        r"|(?:scheduled|confirmed|booked) for)",
        r"(?:have|you've) (?:advanced|progressed|moved forward|moved on) to the (?:next|final"
        r"|second|third)",
        r"(?:selected|shortlisted|chosen) for (?:an?|the|your)(?: [\w-]+){0,3} (?:interview"
        r"|phone screen|screening call)",
        r"join us for (?:an?|the|your)(?: [\w-]+){0,3} (?:interview|onsite|call|conversation)",
        r"(?:scheduled|confirmed|booked) your (?:[\w-]+ ){0,2}(?:interview|call|screen|onsite)",
        r"(?:invited you to|invitation:) (?:an? |the |your )?(?:[\w-]+ ){0,2}interview\b",
        r"(?:(?:have been|were|you're|you are) selected|(?:would|we'd) like) to (?:move forward"
        r"|advance|proceed) (?:to|with) (?:the next|an interview|your interview)",
        r"(?:schedule|book|set up|arrange) (?:an?|your|the) (?:[\w-]+ ){0,2}interview\b",
        r"(?:would|we'd) like to (?:meet|speak|talk|chat) (?:with )?you\b",
        r"(?:move|moving|advance|advancing|invite|inviting) you (?:forward )?to the next"
        r" (?:step|stage|round)|schedule (?:an?|your) (?:initial |first |brief )?(?:(?:video|phone"
        r"|virtual|technical|recruiter|behaviou?ral) ){0,2}(?:interview|screen|call)",
        r"interviews? (?:will )?take place|(?:pick|choose|select|book|grab) (?:a|the|your) (?:time"
        r"|slot)|scheduling link|calendly\b",
        r"(?:next|final|second|third|first|technical|virtual) (?:round|stage) (?:of )?(?:interview"
        r"|with)",
        r"(?<!not )(?<!not be )(?<!n't be )moving forward with your (?:application|candidacy)",
        r"(?:would|we'd) love to (?:talk|chat|speak|meet)|looking forward to (?:speaking|meeting|"
        r"talking) with you",
        r"(?:confirm|accept) (?:your )?(?:attendance|the (?:interview|invitation))",
    ),
    S.ACTION_REQUIRED: (
        r"action (?:required|needed)|requires your (?:action|attention)|task awaits you"
        r"|(?:task|step) (?:is )?(?:awaiting|waiting for) you",
        r"(?:complete|finish) (?:your|the) (?:job )?(?:application|candidate profile|remaining"
        r" (?:questions|steps|items)|questionnaire|(?:pre-employment |onboarding |new hire )?forms?"
        r"|paperwork)",
        r"application (?:is )?(?:not (?:yet )?complete|incomplete)|(?:is|remains) incomplete",
        # "Finalists submit to background checks" describes a process; these ask for action.
        r"background (?:check|screening|verification) (?:authori[sz]ation|consent|form|link"
        r"|invitation|request|needed|required)"
        r"|(?:authorize|authorise|authorization for|authorisation for|consent to|complete|initiate"
        r"|start) (?:a |the |your )?(?:background|screening)",
        r"pre-employment|onboarding (?:documents|forms|tasks)|i-9|self-identification",
        r"(?:before|so) (?:we can|that we can) (?:review|process|proceed with|consider|move"
        r" forward with) your (?:application|candidacy)",
        r"(?:to continue|to proceed|to remain in consideration|to complete) (?:with )?your"
        r" (?:application|candidacy)",
        r"(?:upload|submit|provide|send) (?:us )?(?:a copy of )?(?:your )?(?:transcripts?|diploma"
        r"|proof of|id\b|identification|(?:the )?(?:required|missing) (?:documents|information))",
        r"(?:request|requests) (?:that )?(?:applicants|candidates|you) to complete",
        r"(?:log in|login|log into|sign in|sign into) (?:to )?(?:the|your) (?:\w+ )?"
        r"(?:system|portal|candidate (?:home|portal|profile)) to complete",
    ),
    S.APPLICATION_CONFIRMATION: (
        r"(?:thanks|thank you)(?: so much| very much)? for (?:applying"
        r"|your (?:recent |online |job )?application|submitting|your submission"
        r"|your interest and application|the application)",
        r"(?:received|receiving|reviewing|got|have) your (?:job |online |completed |recent )?"
        r"(?:application|resume|cv|materials|submission|profile submission|candidacy|profile and"
        r" resume|employment profile)",
        r"your (?:job )?application(?: for [^.]{1,60}?)? (?:has been|was|is|had been)"
        r" (?:successfully )?(?:received|submitted|sent|complete|under review|being reviewed"
        r"|in review|currently in review|under consideration|being considered)",
        r"application (?:received|acknowledge?ment|acknowledged|confirmation|submitted|is in)\b",
        r"(?:confirm|confirming|acknowledge|acknowledging) (?:the )?(?:receipt|reception) of your",
        r"(?:confirm|confirms|confirmation) (?:that )?(?:we (?:have )?received|your"
        r" application)",
        r"your application (?:was sent|to [^.]{1,80} was sent)|application was sent to",
        r"(?:you've|you have|you) (?:successfully |officially |now )?"
        r"(?:applied|submitted (?:an|your) application)",
        r"(?:successfully|officially) (?:applied|submitted)|submitted successfully",
        r"(?:decided|chose|choosing|deciding) to apply (?:to|for|at|with)",
        r"reviewing (?:all )?(?:applications|submissions|candidates|your)",
        r"(?:application|resume|profile) (?:is|will be) (?:now )?(?:under|being|in) review",
        r"(?:reviews|reviewing|review|considering) all (?:candidates|applications|applicants"
        r"|submissions)|(?:will|you'll) receive an update",
        r"will (?:review|be reviewing|carefully review|take a (?:close )?look at|evaluate|assess)"
        r" (?:your|all|every)",
        r"(?:look|looking) forward to (?:reviewing|learning more about) your (?:application"
        r"|background|experience|qualifications|resume)",
        r"(?:thanks|thank you) for (?:your )?(?:taking the time|your patience)|appreciate your"
        r" patience",
        r"(?:contact|reach out to|be in touch with|notify) (?:you |shortlisted candidates |selected"
        r" candidates )?(?:if|should|once|when)",
        r"(?:we'll|we will|will) (?:be in touch|reach out|contact you|get back to you|follow up"
        r"|provide (?:an? |status )?updates?|update you)",
        r"(?:application|resume|submission) (?:is|has been) (?:being )?processed|expect to hear"
        r" (?:back|from us)",
        r"status updates? will be sent",
    ),
}

WEAK: dict[Status, tuple[str, ...]] = {
    S.WITHDRAWAL: (r"(?:withdraw|withdrawn|withdrew|withdrawal)\b",),
    S.REJECTION: (
        r"keep your (?:resume|cv|information|details|profile) on file",
        r"(?:wish|wishing) you (?:all )?(?:the )?(?:best|success|luck)",
        r"encourage you to (?:apply|check|monitor|keep an eye|explore)",
        r"(?:difficult|tough) decision|(?:highly|extremely|very) competitive"
        r"|many (?:highly )?qualified",
        r"not the news you were hoping",
    ),
    S.OFFER: (r"(?:congratulations|offer|compensation|base salary|start date|job offer)\b",),
    S.INFORMATION_REQUEST: (r"availability\b|could you|can you|please (?:reply|respond)",),
    S.ASSESSMENT: (r"(?:assessment|assessments|test|challenge|exercise)\b",),
    S.INTERVIEW_INVITATION: (
        r"(?:interview|interviews|onsite|on-site)\b|phone screen|screening call|next steps?"
        r"|hiring manager",
    ),
    S.ACTION_REQUIRED: (
        r"verify your|confirm your (?:email|contact)|please (?:complete|sign|upload)|reminder\b",
    ),
    S.APPLICATION_CONFIRMATION: (
        r"(?:thanks|thank you)(?: so much| very much)? for (?:your )?interest",
        r"application status|track (?:the status of )?your application|candidate (?:home|portal)",
        r"shortlisted\b|next steps|what happens next|what to expect",
    ),
}

# Words that make what follows them in a sentence hypothetical: "if you are not selected",
# "once the position is filled", "we may invite you to an interview".
HEDGES = r"\b(?:if|should|unless|once|whether|in case|in the event|may|might|when|until)\b"

# Job-board alerts, digests, account housekeeping and advice: job-flavoured, but not about
# an application the person made.
NOT_APPLICATION = (
    r"job alert|jobs? (?:you (?:may|might) (?:be interested in|like)|for you\b|near you"
    r"|matching your|that match|based on your)|new jobs?\b|recommended (?:jobs|for you)"
    r"|(?:weekly|daily) (?:job )?(?:digest|roundup)|roundup of jobs|saved search"
    r"|is hiring\b|are hiring\b|top job picks|manage (?:your )?(?:job )?alerts|apply (?:now|today)"
    r"|(?:reset|change) your password|password reset|account (?:has been|was) created"
    r"|tips for your job search|career advice|job search tips"
    r"|webinar\b|career fair|hiring event"
)

# "Join our talent network": an invitation to a mailing list, which job alerts send and which
# ATS templates put in the footer of confirmations and rejections alike.
TALENT_NETWORK = r"talent (?:community|network|pool)"

# Cold outreach by recruiters and staffing agencies: about a job, not about an application the
# person made, so not job-application mail (unless it also speaks of their application).
OUTREACH = (
    r"came across your (?:profile|resume|résumé|cv|background|linkedin)|(?:my|our) client\b"
    r"|exciting (?:new )?(?:opportunity|opportunities|role|position)"
    r"|(?:are|would) you (?:be )?(?:open|interested) (?:to|in) (?:new |a |this |the |exploring )"
    r"|(?:i'm|i am) reaching out (?:to you )?(?:about|regarding|with|because)"
    r"|(?:hot|urgent|immediate) (?:requirement|need|opening|hire)|c2c\b|corp to corp"
    r"|w2 (?:only|contract|position)|job description (?:is )?(?:below|attached)"
    r"|thought you (?:might|would|could) be (?:a )?(?:great|good|perfect|strong) (?:fit|match)"
    r"|your (?:profile|experience|background) (?:is|looks|seems) (?:like )?(?:a )?(?:great"
    r"|good|perfect|strong)|share your (?:updated )?(?:resume|résumé|cv)"
)
# The person's own application, which outreach never mentions.
OWN_APPLICATION = (
    # "your recent Siemens application", "your Data Analyst application": a name may stand in
    # between, written with capitals (case-sensitive there: "your loan application" is not one).
    r"your (?:job |recent |online |submitted )?(?:(?-i:[A-Z][\w&'.-]*) ){0,3}(?:application"
    r"|candidacy)|you applied"
    r"|(?:thank you|thanks) for (?:applying|your application)|you(?:'ve| have) applied"
    r"|applied (?:for|to) (?:the|our)|your interview"
    r"|(?:thank you|thanks) for your interest in (?:the|our) [^.]{1,80}? (?:position|role|opening"
    r"|opportunity|internship)"
)

# A request verb addressed to the reader ("could you send ...", "kindly revert with"): an
# information request in job mail, a favour between friends, so it counts only in context.
GENERIC_REQUEST = (
    r"(?:could|can|would|will) you (?:please |kindly )?(?:send|share|provide|confirm|tell"
    r"|let (?:us|me) know|forward|give|update us|reply with)\b"
    r"|kindly (?:revert|send|share|provide|confirm|let (?:us|me) know|reply)\b"
    # the imperative ("please send us your updated CV"), not "please let us know if ..."
    r"|please (?:kindly )?(?:send|share|provide|reply with|forward) (?:us |me )?(?:your|a|an"
    r"|the|two|three|some|copies)\b"
    r"|would you mind (?:sending|sharing|providing|confirming|letting)\b"
    # a question about the reader's terms: "what is your earliest possible start date?"
    r"|what (?:is|are|would be|will be) your (?:[\w-]+ ){0,3}(?:salary|expectations|notice"
    r"|start|availability|location|rate|visa|ctc)"
    r"|(?:we'd|we would|i'd|i would) (?:need|like to know|like to ask|appreciate (?:it if you"
    r" could|knowing|your))\b"
)

# Words that put an email in a job-search context at all.
CONTEXT = (
    r"(?:apply|applied|applying|application|applications|applicant|applicants|candidate"
    r"|candidates|candidacy|candidature|position|positions|role|roles|opening|openings"
    r"|opportunity|opportunities|vacancy|vacancies|posting|postings|interview|interviews"
    r"|interviewing|recruiter|recruiters|recruiting|recruitment|hiring|resume|resumes|résumé"
    r"|cv|cvs|job|jobs|requisition|requisitions|onboarding|employment|internship|internships"
    r"|shortlist|shortlisted|referees|career|careers)\b|talent acquisition|job offer|offer letter"
    # Steps and terms only a hiring process has, often all a recruiter's note from a personal
    # mailbox says ("a virtual onsite", "the Codility coding challenge", "your salary
    # expectations and earliest start date").
    r"|\b(?:onsite|hiring manager|(?:coding|technical|take-home) (?:challenge|assessment"
    r"|exercise|test|assignment)|online assessment|(?:hackerrank|codility|codesignal|coderpad"
    r"|karat|hirevue)\b|salary expectations?|(?:earliest|expected|possible) start date"
    r"|notice period|background check|self-identification)"
)


def alternations(cues: dict[Status, tuple[str, ...]]) -> tuple[tuple[Status, str], ...]:
    """Return one alternation of cue patterns per status, in priority order."""
    return tuple(
        (status, "|".join(f"(?:{p})" for p in cues[status]))
        for status in PRIORITY
        if status in cues
    )


def compile_cues(cues: dict[Status, tuple[str, ...]]) -> tuple[tuple[Status, Triggered], ...]:
    """Return one triggered alternation per status, in priority order."""
    return tuple(
        (status, Triggered(source, re.IGNORECASE)) for status, source in alternations(cues)
    )
