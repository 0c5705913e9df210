"""What the evaluation set's mail says: sentences by status, written for this set.

Each pool is split in two by a fixed seed before any tuning (``generator.split_pool``): the
dev half builds the emails the rules may be tuned on, the holdout half the emails they never
are, so a holdout email's decisive sentence is one the tuning never saw. Placeholders:
{company}, {position}, {first} (the candidate's first name), {req} (a requisition id).
"""

from __future__ import annotations

from analysis.status import Status

S = Status

CORE: dict[Status, tuple[str, ...]] = {
    S.REJECTION: (
        "After careful review, we will not be progressing your candidacy for the {position}"
        " opening at this stage.",
        "Your background isn't quite the fit we need for this particular team right now.",
        "Please be advised that the requisition has been closed and we are no longer reviewing"
        " applications for it.",
        "The vacancy was filled internally, so we won't be taking your application any further.",
        "We regret that we cannot take your application further on this occasion.",
        "The team has gone with a candidate whose experience lines up more closely with the"
        " immediate needs of the role.",
        "An offer has been made to another applicant and the position is now closed.",
        "We have decided to pursue other candidates whose profiles more closely match the"
        " requirements.",
        "Unfortunately, we will not be moving you forward to the next stage of the process.",
        "We're sorry to say that you were not shortlisted for interview this time.",
        "The hiring manager has chosen to proceed with applicants who have more direct"
        " experience in payments.",
        "Sadly, your application was unsuccessful on this occasion.",
        "We are unable to extend you an offer at this time.",
        "Following the panel's deliberation, we have decided not to offer you the position.",
        "Your profile does not match what we are looking for in this role.",
        "While your experience is impressive, we can't move ahead with your application.",
        "We won't be advancing your application to the interview stage.",
        "It was a close call, but we have selected another finalist for the position.",
        "This role has been put on hold indefinitely, so we are closing all open applications.",
        "We have now completed the selection process and I am sorry to tell you that you have"
        " not been successful.",
        "Other applicants will be invited to the final round; we won't be inviting you to"
        " continue.",
        "Regrettably the committee did not select your application for further consideration.",
        "We haven't been able to find a suitable match between your skills and our current"
        " openings.",
        "Your application will not be considered further for this posting.",
        "Our decision is to continue with candidates who are further along in the process.",
        "We appreciate your time but have decided to hire someone whose background is closer to"
        " our stack.",
        "Unfortunately, you were not among the candidates selected to move forward.",
        "The position you applied for has been cancelled due to a change in business priorities.",
        "I'm afraid we won't be able to offer you a place on the graduate scheme.",
        "We were impressed by your application, but on balance it was not the strongest match"
        " for this team.",
        "Your application has not been successful at this time.",
        "It is with regret that we must let you know the panel will not be progressing your"
        " application.",
        "We do not feel there is a fit at present between your experience and this vacancy.",
        "We cannot offer you an interview for this post.",
        "After reviewing all candidates, we did not choose your application to go forward.",
        "Unfortunately we are not able to continue with your candidacy.",
        "We have concluded the process and the role has been given to a colleague from another"
        " team.",
        "The position is closed now, we will not continue with your application, sorry for this.",
        "We must inform that your candidature was not retained for the next step.",
        "Your application is declined for this time.",
        "We have decided to not go further with your profile.",
        "The shortlist has been finalised and I'm sorry to say your name isn't on it.",
        "We will be moving on with other profiles at this point.",
        "Other candidates were a closer match, so we will not be inviting you to interview.",
        "We have filled the {position} role with a candidate whose experience is closer to what"
        " we need.",
        "The hiring team has decided that they will not move your application to the next round.",
        "I wanted to let you know personally that we've decided not to take things further.",
        "Your candidacy was not selected to proceed, and the role has since been closed.",
        "We won't be able to consider your application any further for {position}.",
        "Following a review of your application against the essential criteria, you have not"
        " been shortlisted.",
        "The recruiting team has offered the position to another applicant.",
        "We've made the difficult decision not to proceed with your application.",
        "We've decided to progress with other applicants who more closely meet the brief.",
        "We don't think this role is the right match for you at the moment.",
        "Sorry, but this time we chose a different candidate for the position.",
        "Your application was reviewed, however we decided for another candidate.",
        "The department will not be making you an offer after the final interview.",
        "Although your CV was strong, we are not in a position to take your application forward.",
        "Unfortunately the opening you applied to was closed before we could review new"
        " applicants.",
    ),
    S.APPLICATION_CONFIRMATION: (
        "We have received your application for the {position} role and our team will review it"
        " shortly.",
        "Your application for {position} is now with the hiring team.",
        "This is to confirm that your application has been submitted successfully.",
        "Shortlisted applicants will be contacted to arrange interviews within three weeks of"
        " the closing date.",
        "Your application is under review. If your profile matches the role, a recruiter will"
        " reach out.",
        "We got your CV and will take a look over the next few days.",
        "Due to the high number of applications, only candidates selected for interview will be"
        " contacted.",
        "Your submission for {position} has been logged under reference {req}.",
        "We'll be in touch if there's a match.",
        "Our recruiters are reviewing your profile and we'll update you on next steps.",
        "Applications close on 30 June and shortlisting will take place the week after.",
        "We've added your application to our system and you can track its status in the"
        " candidate portal.",
        "Thank you for your application, which we received today.",
        "If you do not hear from us within four weeks, please assume your application has not"
        " progressed.",
        "Good news: your application made it to us! The hiring team will look at it soon.",
        "We confirm the reception of your application documents for the {position} position.",
        "Your application was sent to {company}.",
        "We review every application personally and aim to reply within ten working days.",
        "Should your experience match our requirements, we will contact you to arrange an"
        " interview.",
        "Our team will consider your application carefully and get back to you as soon as"
        " possible.",
        "Successful candidates will be invited to an assessment day in early May.",
        "Your application has been forwarded to the hiring manager for review.",
        "An offer, if made, will be subject to satisfactory references.",
        "Interviews for this post are expected to take place during the week of 14 April.",
        "We are currently reviewing all applications and will notify you of the outcome.",
        "The selection panel will meet after the closing date to decide who to invite.",
        "Your application number is {req}; please quote it in any correspondence.",
        "We have well received your CV and will revert to you soon.",
    ),
    S.INTERVIEW_INVITATION: (
        "We'd like to invite you to a 45-minute video interview with the hiring manager next"
        " Tuesday.",
        "You've been shortlisted! Please pick a slot for your first-round interview using the"
        " link below.",
        "I'd love to set up a call to discuss the {position} role further. Does Thursday at 2pm"
        " work?",
        "Your onsite interview is confirmed for 12 March at our Leeds office.",
        "We are pleased to invite you to an interview at our assessment centre on 4 May.",
        "Congratulations, you have progressed to the final round of interviews.",
        "The panel would like to meet you for an interview; please use the scheduling link to"
        " book a time.",
        "Could you join us for a technical interview with two engineers from the team?",
        "We would be happy to move you to the next stage: a 30 minute phone screen with our"
        " recruiter.",
        "Please confirm your attendance for the interview on Friday at 10:00 CET.",
        "I am writing to invite you for interview for the post of {position}.",
        "Our hiring team wants to talk with you! Choose a time that suits you in the calendar.",
        "We would like to meet you in person at our office for a second interview.",
        "We have reviewed your application and would like to schedule an introductory chat.",
        "You are invited to a panel interview; details of the panel and the format are below.",
        "We want to invite you on an interview with our team lead, it will be online.",
        "Your interview with {company} has been booked for Monday 9 June at 11am.",
        "I'm pleased to let you know you've been selected for a first interview.",
        "We'd love to get to know you better over a short video call this week.",
        "Following your application, the hiring manager would like to speak with you.",
    ),
    S.ASSESSMENT: (
        "As the next step, please complete the online assessment within 5 days.",
        "You have been invited to complete a HackerRank coding challenge.",
        "Please take the numerical reasoning test via the link below before Friday.",
        "The next stage is a take-home exercise, which should take around three hours.",
        "We'd like you to record a one-way video interview answering four questions.",
        "Your Codility test is ready. You will have 90 minutes once you start.",
        "Please complete the personality questionnaire and the situational judgement test.",
        "We invite you to complete a short skills assessment for the {position} role.",
        "Attached you find the case study task, please send us your solution within one week.",
        "Next step in our process is a technical task on TestGorilla.",
        "Please finish the cognitive ability assessment by the deadline shown in your candidate"
        " portal.",
        "To progress your application, please complete the written exercise linked below.",
        "Your application has moved to the assessment stage: a 60 minute aptitude test.",
        "Before the interviews we ask every candidate to solve a small programming task.",
    ),
    S.OFFER: (
        "I'm delighted to offer you the position of {position} at {company}.",
        "Please find attached your offer letter; we'd appreciate your signature by Friday.",
        "We are happy to extend you a formal offer for the {position} role.",
        "Congratulations! The team would love to have you on board, and the offer details are"
        " below.",
        "Following your interviews, we are pleased to make you a conditional offer of employment.",
        "I am pleased to confirm our offer of a starting salary of 58,000 per year.",
        "We would like to offer you the role, starting on 1 September.",
        "Your contract is ready to sign in DocuSign. Welcome aboard!",
        "It's my pleasure to let you know that you've been selected for the position, and I'm"
        " attaching the offer.",
        "We are glad to propose you a job offer for the {position} position.",
        "The panel has recommended you for appointment to the post, subject to"
        " pre-employment checks.",
        "Please review the offer package and let us know if you have any questions.",
        "We're thrilled to offer you a place on our team as {position}.",
        "You got the job! Your written offer will follow from HR this afternoon.",
    ),
    S.WITHDRAWAL: (
        "As you asked, we have withdrawn your application for {position}.",
        "You asked us to take your application out of consideration, and we've done so.",
        "This confirms that you have withdrawn from the recruitment process.",
        "We're sorry to hear you've decided to withdraw, and we've closed your application"
        " accordingly.",
        "Your candidacy has been withdrawn at your request.",
        "Thanks for letting us know you've accepted another offer; we've removed your"
        " application from our process.",
        "We have received your request to withdraw and your application is now closed.",
        "As requested, your profile has been removed from consideration for this role.",
        "Following your message, we have cancelled your application and the planned interview.",
        "Per your note, we have marked your application as withdrawn by the candidate.",
        "We respect your decision to step back from the process for {position}.",
        "You have successfully withdrawn your application; no further action is needed.",
    ),
    S.INFORMATION_REQUEST: (
        "Could you send me your salary expectations and notice period?",
        "Please let us know your availability for a call over the next week.",
        "Before we proceed, can you confirm whether you require visa sponsorship?",
        "Could you share the names and contact details of two referees?",
        "Would you be open to relocating to Munich for this role?",
        "What is your earliest possible start date?",
        "Can you tell us more about your experience with Kubernetes before we move forward?",
        "Could you please confirm your current location and whether you can work on site three"
        " days a week?",
        "Kindly revert with your current CTC, expected CTC and notice period.",
        "Would you mind sending an updated CV that includes your most recent position?",
        "Could you tell me what salary range you are targeting?",
        "Please reply with your work authorisation status in the EU.",
    ),
}

# Sentences that open a job email whatever it goes on to say ("thank you for applying" opens
# most rejections too).
OPENERS: tuple[str, ...] = (
    "Thank you for applying for the {position} position at {company}.",
    "Thanks for your interest in {company} and for the time you put into your application.",
    "Thank you for the time you invested in our recruitment process.",
    "We appreciate your interest in the {position} role.",
    "I hope this email finds you well.",
    "Thank you for your application to {company}.",
    "Many thanks for applying to join {company}.",
    "Thank you for considering a career with {company}.",
    "We are writing regarding your application for {position} ({req}).",
    "Thank you for your patience while we reviewed applications for {position}.",
    "Thank you very much for your application and your interest in our company.",
    "It was great to learn more about you during the process.",
)

# What rejections add around the decision.
CUSHIONS: tuple[str, ...] = (
    "We know this isn't the news you were hoping for.",
    "This was a difficult decision given the strength of the applicant pool.",
    "We'd like to keep your details on file for future openings.",
    "Join our talent network to hear about future roles and opportunities.",
    "We encourage you to apply for other positions that match your skills.",
    "We received many strong applications for a small number of vacancies.",
    "Please don't be discouraged; we'd be glad to see your name again.",
    "We wish you every success in your job search.",
    "Feel free to keep an eye on our careers page for new openings.",
)

CLOSINGS: tuple[str, ...] = (
    "Best regards,",
    "Kind regards,",
    "Warm wishes,",
    "Sincerely,",
    "All the best,",
    "Thanks again,",
    "With best wishes,",
    "Yours sincerely,",
)

FOOTERS: tuple[str, ...] = (
    "{company} is an equal opportunity employer. We celebrate diversity and are committed to"
    " creating an inclusive environment for all employees.",
    "Join our talent network: get job alerts for new roles at {company} that match your interests.",
    "This is an automated message; please do not reply to this email.",
    "To review our privacy notice and how we process candidate data, visit our careers site.",
    "You are receiving this email because you applied for a job at {company}. Unsubscribe from"
    " recruiting updates.",
)

SUBJECTS: dict[Status, tuple[str, ...]] = {
    S.REJECTION: (
        "Your application to {company}",
        "Update on your application",
        "{position} - {company}",
        "Application status: {position} ({req})",
        "Regarding your application",
        "Your {company} application",
        "Thank you for applying",
        "{position} {reqnum}",
        "Follow-up on your candidacy",
        "{first}, an update from {company}",
    ),
    S.APPLICATION_CONFIRMATION: (
        "Thank you for applying to {company}",
        "Application received",
        "We've received your application: {position}",
        "Your application for {position} ({req})",
        "{company} - application confirmation",
        "Thanks for your application",
        "{position} {reqnum}",
        "Application acknowledgement - {first} {last}",
    ),
    S.INTERVIEW_INVITATION: (
        "Interview invitation - {position}",
        "Next steps with {company}",
        "{company}: let's talk",
        "Invitation to interview",
        "Your application for {position}",
        "{first} {last} - Interview",
    ),
    S.ASSESSMENT: (
        "Next step: online assessment",
        "{company} assessment for {position}",
        "Your coding challenge",
        "Action needed: complete your assessment",
        "{position} - assessment stage",
    ),
    S.OFFER: (
        "Offer of employment - {position}",
        "Great news from {company}!",
        "Your offer from {company}",
        "{first} {last} - Offer Letter",
        "Welcome to {company}",
        "Outcome of your interview",
    ),
    S.WITHDRAWAL: (
        "Your application has been withdrawn",
        "Withdrawal confirmation",
        "Re: withdrawing my application",
        "{position} - application closed",
        "Update on your candidacy at {company}",
    ),
    S.INFORMATION_REQUEST: (
        "Quick question about your application",
        "{position} - a few details",
        "Following up: {position}",
        "Your application at {company}",
        "Request for information",
    ),
}
