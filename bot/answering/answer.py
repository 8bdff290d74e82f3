"""Turning a resident's message into a reply: crisis first, then the best answer.

:class:`Responder` is the one entry point the CLI and the Telegram handlers share, so
``csp-bot ask`` and the bot always say the same thing. Replies are plain text; :meth:`Reply.html`
escapes them for Telegram's HTML parse mode.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.answering import topic_model
from bot.answering.crisis import (
    Crisis,
    CrisisKind,
    Level,
    corrected,
    detect_crisis,
    is_acknowledgement,
)
from bot.answering.language import SUPPORTED, detect_language
from bot.answering.matching import (
    DEFAULT_THRESHOLD,
    Candidate,
    Matcher,
    MatchResult,
    place_entry_id,
)
from bot.answering.text import normalise
from bot.knowledge import KnowledgeBase, Topic, Ward
from bot.texts import PRIVACY

MENU = (
    "I can help with:\n"
    "• reporting something (anti-social behaviour, hate crime, domestic abuse, drugs, "
    "scams, fly-tipping and more)\n"
    "• getting support (domestic abuse, victims of crime, mental health, drugs and alcohol)\n"
    "• the partnership's priorities and the figures behind them\n"
    "• your ward or area\n"
    "• progress on the Community Safety Plan"
)
#: In a crisis, the matched answer follows the emergency help only when this sure.
CRISIS_ANSWER_CONFIDENCE = 0.75
EMERGENCY_LINE = "In an emergency, or if someone is in danger now, call 999."
GREETING = "Hello. I'm the East Staffordshire Community Safety Partnership's chat bot."
THANKS = ("You're welcome. Ask me anything else about community safety in East "
          "Staffordshire, or type menu.")
ACKNOWLEDGED = ("OK. Ask me anything else about community safety in East Staffordshire, "
                "or type menu.")
# A message of these words only, with at least one that greets, thanks or asks for the menu
# ("hi", "thanks a lot", "main menu"), gets the menu rather than a topic: matched against
# the topics, "hello" was the emergency topic and "start" the plan. "help" is not one of
# them: alone it may come from someone in danger, so it gets the menu with the emergency line
# on top (the middle tier), not a topic (it was the mental health topic).
SMALL_TALK_WORDS = frozenset("""hi hello hey hiya hallo howdy yo morning afternoon evening good day
    there all everyone thanks thank you cheers ta thx ty so very much many a lot lots mate
    menu main options start again please ok okay""".split())
SMALL_TALK_HEADS = frozenset("""hi hello hey hiya hallo howdy yo morning afternoon evening
    thanks thank cheers ta thx ty menu options start""".split())
THANKING = frozenset("thanks thank cheers ta thx ty".split())
# "Thanks, that helped", "cheers for the info": thanks with praise is still thanks (it was the
# mental health topic, on "helped").
_THANKS_PRAISE = SMALL_TALK_WORDS | frozenset("""that it this was is has really helped helps
    helpful useful great brilliant perfect lovely appreciated appreciate for the info
    information advice help your""".split())
_HELP_ALONE = frozenset("help pls plz".split())
# "Can you help me?", "could u help us please": "help" asked for and nothing said about what,
# the same as "help" alone (it was the children's or the mental health topic).
_HELP_ASKED = _HELP_ALONE | frozenset("can could will would you u me us please i".split())
# "What can you do?", "how does this work?": the menu (it was "Sorry, I'm not sure").
_WHAT_CAN_YOU_DO = re.compile(
    r"(?:(?:hi|hello|hey|ok|so) )?(?:what (?:can|do|could) (?:you|u) (?:do|help (?:me |us )?with)"
    r"(?: for me| for us)?|what can i ask(?: you| u)?(?: about)?|what do you know(?: about)?"
    r"|how does (?:this|it|this bot|the bot) work|how do i use (?:this|you|it|this bot|the bot)"
    r"|what is this (?:bot |chat )?for|what are you for)")
FAREWELL = "Take care. You can come back any time: type menu to see what I can help with."
# "Bye", "thanks bye", "good night": a goodbye (it was "Sorry, I'm not sure"). Not "goodbye
# everyone" or "goodbye world": a last message is read for danger like any other.
_FAREWELL_WORDS = frozenset("""bye byee byeee bye-bye goodbye cya see you later soon good night
    goodnight for now then thanks thank cheers ta thx ty ok okay""".split())
_FAREWELL_HEADS = frozenset("bye byee byeee goodbye cya later night goodnight".split())
LANGUAGES = ("I can answer in English, Polish (polski), Urdu (اردو) and Punjabi (ਪੰਜਾਬੀ). Write "
             "in your language, or choose one with /language (for example /language pl). "
             "The translations have not yet been checked by a partner.")
# "Do you speak Urdu?", "can I write in Polish": which languages the bot answers in (it was
# the declined topic, though the bot answers in three languages besides English).
_LANGUAGES_ASKED = re.compile(
    r"(?:(?:hi|hello|hey) )?(?:(?:do|can|could) (?:you|u) (?:speak|understand|talk|write|read|"
    r"reply in|answer in|talk in|do)|can i (?:ask|write|talk|speak|message|chat)(?: to)?"
    r"(?: you| u)?(?: in)?|is (?:there|this)(?: a| available)?(?: in)?"
    r"|(?:what|which) languages? (?:do|can) (?:you|u)(?: speak| answer in| do| understand)?)"
    r"(?: (?:polish|urdu|punjabi|panjabi|english|other languages|another language|any other "
    r"languages?|my language|languages|polski))?(?: version| option)?(?: please)?")
# "Do you store my messages?", "is this chat confidential?": what the bot keeps, in the same
# words as /privacy (it was the online abuse topic). A whole message about the chat, so
# "my ex reads my messages" is not this.
_PRIVACY_ASKED = re.compile(
    r"(?:(?:hi|hello|hey) )?(?:(?:do|will|can|does) (?:you|u|this bot|the bot|this) "
    r"(?:store|save|keep|record|log|track|share)"
    r"(?: my| these| this| what i)?(?: messages?| data| details| chats?| conversation| name| "
    r"number| questions?| write| say| type)?"
    r"|(?:do|will|can|does) (?:you|u) keep (?:a secret|secrets|(?:it|this) (?:private|secret|"
    r"confidential))"
    r"|(?:do|will|can|does) the police (?:see|read|get) (?:this|my messages|these messages)"
    r"|is (?:this|this chat|my chat|this conversation|this bot|it) (?:private|confidential|"
    r"secure|safe to use|recorded|anonymous)"
    r"|what (?:do|does) (?:you|u|this bot|the bot) (?:store|keep|save|record|know about me)"
    r"(?: about me)?)(?: please)?")
# ...and it must name a language (or languages): "can i talk to someone" is not this.
_LANGUAGE_WORDS = frozenset("polish urdu punjabi panjabi english polski language languages".split())
STOP_MESSAGES = ("To stop the April progress summary, send /unsubscribe. To delete everything "
                 "this bot keeps about you, send /forget.")
# "Stop", "unsubscribe", "stop sending me messages": the commands that do it (it was the topic
# for people who want to stop abusing a partner).
_STOP = re.compile(r"(?:please )?(?:stop|unsubscribe|unsub|opt out|cancel(?: my)? subscription"
                   r"|stop (?:sending )?(?:me )?(?:messages|updates|texts|these|the summary)"
                   r"|stop (?:messaging|texting) me)(?: please| pls| thanks| thank you)?")
# A question about the bot itself ("who are you", "am I talking to a bot", "is anyone
# reading this"): all its words are stop words, so the matcher found nothing ("Sorry, I'm not
# sure") or the topic model guessed (online abuse). It gets the declined topic that says
# what the bot is. "Is anyone there" may come from someone frightened, so it also gets the
# emergency line on top.
ABOUT_THE_BOT = "oos-other"
_ABOUT_THE_BOT = re.compile(
    r"(?:(?:hi|hello|hey) )?(?:(?:who|what) (?:are you|r u|is this)"
    r"|(?:are|r) (?:you|u) (?:a )?(?:bot|robot|human|real|real person|person|machine|ai|computer)"
    r"|am i (?:talking|speaking|chatting) (?:to|with) (?:a )?(?:bot|robot|human|real person|"
    r"person|machine|computer)"
    r"|is this (?:a )?(?:bot|robot|real person|human|person|automated|real)"
    r"|(?:is|are) (?:there )?(?:any|some) ?(?:one|body) (?:reading|watching)"
    r"(?: this| these| my messages| these messages)?"
    r"|(?:does|do|will|can) (?:a )?(?:real )?(?:person|human|anyone|anybody|someone) read "
    r"(?:this|these|my messages|these messages))")
_ANYONE_THERE = re.compile(r"(?:(?:hi|hello|hey) )?(?:is )?(?:any|some) ?(?:one|body) "
                           r"(?:there|here|out there)")

# A smell of gas gets the gas emergency advice, whatever else the message names ("can smell gas
# really strong in the hallway and my neighbour's not answering" got the noise topic, "smell
# of gas in me mams kitchen" out of scope: session 18's probe messages). Not a gas bill, a
# meter reading, tear gas or laughing gas: a smell, a leak, an escape or a hiss.
GAS_LEAK = "gas-leak"
_GAS_SMELL = re.compile(r"\b(?:smell|smells|smelling|smelt|smelled|stink|stinks|stinking|reek|"
                        r"reeks|whiff) (?:\w+ ){0,2}(?:of )?gas\b(?! (?:bill|meter reading|"
                        r"price|prices|supplier|company))|\bgas (?:smell|leak|leaking|escape|"
                        r"escaping|hissing|is hissing|is leaking)\b|\bhissing (?:of )?gas\b")

# Every number here is in knowledge/contacts.yaml (emergency, samaritans, shout, nhs-111);
# tests/test_crisis.py checks that they still are.
CRISIS_TEXT = {
    CrisisKind.DANGER: (
        "If you or someone else is in danger now, call 999.\n"
        "If it isn't safe to speak on a mobile: call 999, listen, then cough or tap, and "
        "press 55 when asked (the Silent Solution) so the operator knows it's a real "
        "emergency.\n"
        "Deaf, hard of hearing or speech-impaired? Text 'register' to 999 for emergencySMS "
        "beforehand, then you can text 999."
    ),
    CrisisKind.SELF_HARM: (
        "If your life is at risk now, call 999.\n"
        "You don't have to face this alone. Samaritans are there day and night, free, on "
        "116 123. If talking is hard, text SHOUT to 85258.\n"
        "For urgent mental health help, call NHS 111 and choose the mental health option.\n"
        "If it isn't safe to speak: call 999, then press 55 when asked."
    ),
    CrisisKind.MEDICAL: (
        "Call 999 now and ask for an ambulance. Stay with them if it is safe to.\n"
        "If it isn't safe to speak on a mobile: call 999, then press 55 when asked.\n"
        "If someone is struggling to cope or thinking about suicide, Samaritans are free, day "
        "and night, on 116 123."
    ),
    CrisisKind.FIRE: (
        "If there is a fire, get out if you can and call 999 for the fire service.\n"
        "If it isn't safe to speak on a mobile: call 999, then press 55 when asked."
    ),
    CrisisKind.CHILD: (
        "If a child is in danger now, call 999.\n"
        "If it isn't safe to speak on a mobile: call 999, then press 55 when asked.\n"
        "If it is not an emergency but you are worried about a child: Staffordshire children's "
        "safeguarding (First Response) on 0800 1313 126, or the NSPCC on 0808 800 5000. "
        "Children and young people can call Childline free on 0800 1111."
    ),
}

#: The middle tier ("possibly in danger"): one line on top of the normal answer.
POSSIBLE_TEXT = {
    kind: ("If you or someone else is in danger now, call 999 (on a mobile where it isn't safe "
           "to speak: call 999, then press 55)." +
           (" Samaritans are free, day and night, on 116 123." if kind is CrisisKind.SELF_HARM
            else ""))
    for kind in CrisisKind
}

#: After a sure crisis, the only topics that may follow, by kind: support that fits the person
#: in danger. Never a service for perpetrators; for self-harm only the mental health topic
#: (Samaritans, Shout, NHS 111's mental health option); nothing after a medical emergency or
#: a fire, whose crisis text already says what to do.
CRISIS_TOPICS: dict[CrisisKind, frozenset[str]] = {
    CrisisKind.DANGER: frozenset({
        "domestic-abuse-support", "domestic-abuse-report", "male-victims", "lgbt-abuse",
        "honour-based-abuse", "vawg-report", "hate-crime-report", "hate-crime-support",
        "knife-crime-report", "adult-safeguarding-report", "child-safeguarding-report",
        "victim-support", "modern-slavery-report", "cuckooing-report"}),
    CrisisKind.CHILD: frozenset({"child-safeguarding-report", "children-young-people",
                                 "domestic-abuse-support"}),
    CrisisKind.SELF_HARM: frozenset({"mental-health"}),
    CrisisKind.MEDICAL: frozenset(),
    CrisisKind.FIRE: frozenset(),
}
# A park is a green space before it is a car park: "is the park safe at night" was declined
# as parking tickets by the topic model. Its guess of parking is set aside for "the park"
# (or a park named as a place) when nothing in the message is about vehicles (session 19).
_GREEN_PARK = re.compile(r"\b(?:the|a|our|local|in|at|through|near|by) park\b(?! (?:on|in|outside|"
                         r"across|here|there|my|the|your|their|his|her|it|for|and ride))|"
                         r"\bparks\b(?! (?:on|in|outside|across|his|her|their|my))")
_VEHICLES = re.compile(r"\b(?:car|cars|van|vans|vehicles?|truck|lorry|motor\w*|drive|driveway|"
                       r"drives|warden|wardens|badge|tickets?|permits?|fines?|fined|bay|bays|"
                       r"space|spaces|spot|pcn|penalty|pay|paid|parking|parked|clamp\w*|tow\w*)\b")


#: Support for a particular group, kept over the general domestic abuse topic when sure.
_SPECIFIC_SUPPORT = frozenset({"male-victims", "lgbt-abuse", "honour-based-abuse"})
#: The topic a sure crisis leads to when the matcher found nothing that fits.
_CRISIS_DEFAULT = {CrisisKind.CHILD: "child-safeguarding-report"}
# Violence from someone at home is domestic abuse: it leads to domestic abuse support.
_AT_HOME = re.compile(
    r"\b(?:partner|husband|wife|boyfriend|girlfriend|ex|fiance|fiancee|dad|father|stepdad|"
    r"step dad|mum|mother|stepmum|brother|sister|son|daughter|family|uncle|at home)\b")
# ...unless the family member is the one attacked, by someone else: "a group of lads just
# attacked my brother" is not domestic abuse (it got domestic abuse support).
_STRANGERS_ATTACK = re.compile(
    r"\b(?:lads|gang|group|men|boys|girls|strangers?|someone|somebody|a man|some guy|a guy|"
    r"some lads|they)\b(?: \w+){0,3} (?:attacked|attacking|beat|beating|battered|battering|"
    r"stabbed|stabbing|jumped|mugged|punched|punching|hit|hitting|kicked|kicking) (?:up )?my\b")
# A child writing about what is done to them ("my mum hits me"), and a child seeing a parent
# hurt ("my dad is beating up my mum").
_CHILD_ME = re.compile(r"\b(?:me|my body|i am \d+|i am only \d+)\b")
_PARENT_HURT = re.compile(r"\b(?:beating|hitting|hurting|stabbing|strangling|hit|beat|hits|"
                          r"beats) (?:up )?(?:my |the )?(?:mum|mom|mummy|mother|dad|daddy)\b")
# Who is hurting whom, for domestic abuse topics (see Responder._fit_role).
_ABUSE_TOPICS = frozenset({"domestic-abuse-support", "domestic-abuse-report", "male-victims",
                           "lgbt-abuse", "domestic-abuse", "stop-being-abusive"})
#: Topics a person who hurts a partner may be matched to by the rest of their words ("i keep
#: hitting my girlfriend when i drink" got alcohol support): the line for people who abuse
#: comes first for them too.
_ALSO_PERPETRATORS = frozenset({"drugs-alcohol-support", "mental-health", "victim-support"})
_PARTNER = (r"(?:wife|husband|partner|girlfriend|boyfriend|missus|fiancee|fiance|kids|"
            r"children|family)")
_I_ABUSE = re.compile(
    r"\bi (?:am |have been |keep |have |sometimes |always )?(?:abusing|abuse|hit|hitting|beat|"
    r"beating|hurt|hurting|push|pushed|pushing|shove|shoved|slap|slapped|strangled|control|"
    r"controlling|shout at|shouting at|scream at|screaming at|threaten|threatened) (?:my )?"
    + _PARTNER + r"\b|\bstop (?:myself )?(?:beating|hitting|abusing|hurting|controlling) "
    r"(?:my )?" + _PARTNER + r"\b|\bi am (?:an? )?(?:abuser|abusive|perpetrator)\b")
_ABUSES_ME = re.compile(
    r"\b(?:my )?(?:wife|husband|partner|girlfriend|boyfriend|ex|fiance|fiancee|dad|mum|son|"
    r"daughter) (?:\w+ ){0,2}(?:hits|beats|abuses|hurts|controls|threatens|attacks|is abusing|"
    r"is hitting|is hurting|is controlling|has hit|has beaten) (?:me|us)\b")
#: "I hate my job" is a dislike, not a hate crime, yet "hate" is the hate-crime topics'
#: strongest word. When the sender says what they hate and names nothing of a hate crime
#: (a group, an incident), the word is left out of matching (see _for_matching): "i hate my
#: neighbours" still finds neighbour problems, "i hate my job" finds nothing and is declined.
_I_HATE = re.compile(r"\b(?:i|we)(?: really| just| absolutely| do| fucking| so)? hate\b")
_HATE_CRIME_SIGNS = re.compile(
    r"\b(?:crimes?|incidents?|racis\w*|racial\w*|homophob\w*|transphob\w*|islamophob\w*|"
    r"antisemit\w*|religio\w*|disab\w*|gay|lesbian|trans|lgbt\w*|muslims?|jews?|jewish|"
    r"sikhs?|hindus?|black|asians?|polish|immigrants?|foreigners?|refugees?|migrants?|"
    r"colou?r|race|speech|extremis\w*|called me|abus\w*|attack\w*|because (?:i|we) am|"
    r"because (?:i|we) are|because of (?:my|our) (?:race|religion|colou?r|skin))\b")


def _for_matching(text: str) -> str:
    """The words the matcher and topic model read: the message, less a dislike's "hate"."""
    words = normalise(text)
    if _I_HATE.search(words) and not _HATE_CRIME_SIGNS.search(words):
        return _I_HATE.sub(lambda m: m.group(0)[: -len("hate")] + "dislike", words)
    return text


#: Topics for people who harm others: never shown to someone in danger.
PERPETRATOR_TOPICS = frozenset({"stop-being-abusive"})


@dataclass(frozen=True)
class Choice:
    """A topic a reply can point to (a button in Telegram)."""

    id: str
    title: str


@dataclass
class Reply:
    """What the bot says to one message."""

    matched: bool
    topic: str | None
    title: str | None
    confidence: float
    crisis: Crisis | None = None
    body: str = ""  # the answer proper, plain text
    contacts: list[str] = field(default_factory=list)  # "Name: phone, web" lines
    footer: str = ""  # source and review date
    suggestions: list[Choice] = field(default_factory=list)
    related: list[Choice] = field(default_factory=list)

    declined: bool = False  # out of scope, answered with where to go instead (not logged)
    #: "greeting" (hello, or "menu" alone: the menu), "help" (alone: the menu under the
    #: emergency line), "thanks", "privacy" (what the bot stores) and the like: not a
    #: question, so nothing to count as unanswered.
    small_talk: str = ""
    #: Possibly in danger (the middle tier): the answer gets the emergency line on top, but
    #: it is not a crisis reply (``crisis`` stays ``None``).
    caution: Crisis | None = None
    #: The crisis block in the resident's language (bot.answering.i18n), when not English.
    localised_crisis: str = ""

    @property
    def crisis_text(self) -> str:
        if self.localised_crisis and (self.crisis or self.caution):
            return self.localised_crisis
        if self.crisis is not None:
            return CRISIS_TEXT[self.crisis.kind]
        if self.caution is not None:
            return POSSIBLE_TEXT[self.caution.kind]
        return ""

    def sections(self) -> list[tuple[str, str]]:
        """(kind, plain text) blocks in reading order; kinds: crisis, title, body, contacts,
        suggestions, footer."""
        out: list[tuple[str, str]] = []
        if self.crisis or self.caution:
            out.append(("crisis", self.crisis_text))
        if self.title and self.matched:
            out.append(("title", self.title))
        if self.body:
            out.append(("body", self.body))
        if self.contacts:
            out.append(("contacts", "\n".join(f"• {c}" for c in self.contacts)))
        if self.suggestions and not self.matched:
            out.append(("suggestions", "Did you mean: " +
                        "; ".join(s.title for s in self.suggestions) + "?"))
        elif self.suggestions:
            out.append(("suggestions", "You might also mean: " +
                        "; ".join(s.title for s in self.suggestions) + "."))
        if self.footer:
            out.append(("footer", self.footer))
        return out

    @property
    def text(self) -> str:
        """The whole reply as plain text."""
        return "\n\n".join(text for _, text in self.sections())

    def html(self) -> str:
        """The whole reply for Telegram's HTML parse mode: everything escaped."""
        parts = []
        for kind, text in self.sections():
            esc = html.escape(text, quote=False)
            if kind == "crisis":
                first, _, rest = esc.partition("\n")
                parts.append(f"<b>{first}</b>" + (f"\n{rest}" if rest else ""))
            elif kind == "title":
                parts.append(f"<b>{esc}</b>")
            elif kind == "footer":
                parts.append(f"<i>{esc}</i>")
            else:
                parts.append(esc)
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The ``csp-bot ask --json`` contract."""
        return {
            "matched": self.matched,
            "topic": self.topic,
            "confidence": round(self.confidence, 3),
            "crisis": self.crisis is not None,
            # Which emergency advice leads (danger, self_harm, medical, fire, child), or null.
            "crisis_kind": self.crisis.kind.value if self.crisis is not None else None,
            # Possibly in danger: the emergency line leads an ordinary answer.
            "caution": self.crisis is None and self.caution is not None,
            "answer": self.text,
            "suggestions": [s.id for s in self.suggestions],
        }


def format_value(value: float) -> str:
    """Figures as the plan writes them: "2,130", "17.6"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if round(value, 1) == value else f"{value:,}"


def _and(names: list[str]) -> str:
    """"A, B and C"."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _small_talk(text: str) -> Reply | None:
    """The menu for a greeting, "menu", "what can you do" or "help" alone; a short reply to
    thanks, an acknowledgement ("ok", "im fine"), a goodbye, or "stop" (the commands that stop
    messages); None for anything else."""
    normalised = normalise(text)
    words = set(normalised.split())
    if "help" in words and words <= _HELP_ASKED:
        return Reply(matched=False, topic=None, title=None, confidence=1.0,
                     body="What do you need help with?\n\n" + MENU,
                     caution=Crisis(CrisisKind.DANGER, "help-alone", Level.POSSIBLE),
                     small_talk="help")
    thanks = bool(words & THANKING)
    if words and words <= _FAREWELL_WORDS and words & _FAREWELL_HEADS:
        kind, opening = "bye", FAREWELL
    elif _STOP.fullmatch(normalised):
        kind, opening = "stop", STOP_MESSAGES
    elif words & _LANGUAGE_WORDS and _LANGUAGES_ASKED.fullmatch(normalised):
        kind, opening = "languages", LANGUAGES
    elif _PRIVACY_ASKED.fullmatch(normalised):
        kind, opening = "privacy", PRIVACY
    elif _WHAT_CAN_YOU_DO.fullmatch(normalised):
        kind, opening = "greeting", GREETING + "\n\n" + MENU
    elif words and words <= SMALL_TALK_WORDS and words & SMALL_TALK_HEADS:
        kind, opening = ("thanks", THANKS) if thanks else ("greeting", GREETING + "\n\n" + MENU)
    elif thanks and words <= _THANKS_PRAISE:
        kind, opening = "thanks", THANKS
    elif is_acknowledgement(corrected(text)):  # "ok", "im fine thanks", "got it"
        kind, opening = ("thanks", THANKS) if thanks and "no" not in words else ("ok", ACKNOWLEDGED)
    else:
        return None
    return Reply(matched=False, topic=None, title=None, confidence=1.0,
                 body=opening + "\n\n" + EMERGENCY_LINE, small_talk=kind)


def _date(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


class Responder:
    """Answers residents from one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, threshold: float = DEFAULT_THRESHOLD,
        suggest_margin: float = 0.08, topic_model: bool = True,
    ) -> None:
        self.kb = kb
        self.use_topic_model = topic_model
        self._places: frozenset[str] | None = None
        self.matcher = Matcher(kb, threshold=threshold, suggest_margin=suggest_margin)
        self._topic_parts: dict[str, tuple[tuple[str, ...], str, tuple[Choice, ...]]] = {}

    # ------------------------------------------------------------------ entry points

    def answer(self, text: str, kinds: frozenset[str] | None = None,
               language: str | None = None, second_opinion: bool = True) -> Reply:
        """Reply to a free-text message (optionally only from topics of ``kinds``).

        ``language``: the chat's chosen language; by default the message's own. Polish, Urdu
        and Punjabi are answered by :mod:`bot.answering.i18n`; English and any other
        language as before. ``second_opinion=False``: the matcher alone, without the topic
        model (which reads English: i18n asks so for a message in another language).
        """
        lang = language or detect_language(text)
        if lang in SUPPORTED:
            from bot.answering import i18n  # loaded only for a message that needs it

            return i18n.answer(self, text, lang, kinds)
        crisis = detect_crisis(text)
        if kinds is None and (crisis is None or not crisis.sure) \
                and (chat := _small_talk(text)) is not None:
            if crisis is None:
                return chat
            if chat.small_talk in ("bye", "help"):
                # "Goodbye" or "can you help me" that the model reads as possibly in danger:
                # the same short reply, with the emergency help it fits on top.
                chat.caution = crisis
                return chat
        if crisis is None and kinds is None and ABOUT_THE_BOT in self.kb.topics:
            words = normalise(text)
            anyone_there = _ANYONE_THERE.fullmatch(words) is not None
            if anyone_there or _ABOUT_THE_BOT.fullmatch(words):
                reply = self._topic_reply(self.kb.topics[ABOUT_THE_BOT], 1.0)
                if anyone_there:
                    reply.caution = Crisis(CrisisKind.DANGER, "anyone-there", Level.POSSIBLE)
                return reply
        matching = _for_matching(text)
        result = self.matcher.match(matching, kinds)
        own = self.matcher.own_question(matching)
        if own is not None and (kinds is None or self.kb.topics[own].kind in kinds):
            # Asked in one of a topic's own questions: that topic, whatever else scores;
            # the matcher's own pick stays on offer as "you might also mean".
            if result.best is None or result.best.id != own:
                chosen = Candidate(own, self.kb.topics[own].title, 1.0)
                result = MatchResult(chosen, 1.0, result.candidates,
                                     [result.best] if result.best else [])
        elif (second_opinion and self.use_topic_model and kinds is None
                and (crisis is None or not crisis.sure)):
            result = self._second_opinion(matching, result)
        if (kinds is None and GAS_LEAK in self.kb.topics and _GAS_SMELL.search(normalise(text))
                and (result.best is None or result.best.id != GAS_LEAK)):
            gas = Candidate(GAS_LEAK, self.kb.topics[GAS_LEAK].title, 1.0)
            result = MatchResult(gas, 1.0, result.candidates,
                                 [result.best] if result.best else [])
        reply = self._from_match(result)
        if crisis is None:
            return self._fit_role(text, reply)
        if not crisis.sure:
            # Possibly in danger: the normal answer, with the emergency line on top.
            reply.caution = crisis
            reply.related = [c for c in reply.related if c.id not in PERPETRATOR_TOPICS]
            return reply
        return self._crisis_reply(crisis, text, reply)

    def _second_opinion(self, text: str, result: MatchResult) -> MatchResult:
        """Where the matcher is unsure, the topic model's guess (see
        :mod:`bot.answering.topic_model`); a confident answer or a named ward or place
        stays as it is."""
        best = result.best
        if best is not None and (result.confidence >= topic_model.UNSURE_BELOW
                                 or best.id not in self.kb.topics):
            return result
        model = topic_model.shipped_topic_model()
        if model is None:
            return result
        if self._places is None:
            self._places = topic_model.place_words(self.matcher.area_names)
        guess = model.guess(topic_model.without_places(corrected(text), self._places))
        topic = self.kb.topics.get(guess.topic)
        if best is None:
            wanted = topic_model.TAKE_OVER_NOTHING
        elif topic is not None and topic.id == topic_model.GENERIC_OUT_OF_SCOPE:
            wanted = topic_model.REFUSE_OVER_UNSURE
        else:
            wanted = topic_model.TAKE_OVER_UNSURE
        if topic is None or guess.probability < wanted or (best and best.id == topic.id):
            return result
        if topic.id == "oos-parking":
            words = corrected(text)
            if _GREEN_PARK.search(words) and not _VEHICLES.search(words):
                return result
        if best is None and topic.id == topic_model.GENERIC_OUT_OF_SCOPE:
            return result
        chosen = Candidate(topic.id, topic.title, round(guess.probability, 4))
        # The matcher's own pick stays on offer as "you might also mean".
        others = [c for c in ([best] if best else result.suggestions) if c.id != topic.id]
        return MatchResult(chosen, chosen.score, result.candidates, others[:2])

    def _fit_role(self, text: str, reply: Reply) -> Reply:
        """Domestic abuse help for the right side: "I want to stop hitting my wife" needs the
        line for people who abuse, "my husband hits me" never does."""
        if not reply.matched or reply.topic not in _ABUSE_TOPICS | _ALSO_PERPETRATORS:
            return reply
        words = corrected(text)
        if reply.topic in _ALSO_PERPETRATORS and not _I_ABUSE.search(words):
            return reply
        target = reply.topic
        if _I_ABUSE.search(words) and not _ABUSES_ME.search(words):
            target = "stop-being-abusive"
        elif reply.topic == "stop-being-abusive" and _ABUSES_ME.search(words):
            target = "domestic-abuse-support"
        if target == reply.topic or target not in self.kb.topics:
            return reply
        fitted = self._topic_reply(self.kb.topics[target], reply.confidence)
        fitted.suggestions = [c for c in reply.suggestions if c.id != target]
        return fitted

    def _crisis_reply(self, crisis: Crisis, text: str, matched: Reply) -> Reply:
        """Emergency help first, then at most one topic that fits the person in danger.

        A guess is noise (or worse: advice for the abuser) to someone in danger, so only a
        sure match of a fitting kind stays; otherwise the kind's default, or nothing.
        """
        allowed = CRISIS_TOPICS[crisis.kind] & self.kb.topics.keys()
        words = corrected(text)
        chosen: str | None = None
        sure = (matched.matched and matched.topic in allowed
                and matched.confidence >= CRISIS_ANSWER_CONFIDENCE)
        if crisis.kind is CrisisKind.CHILD and _CHILD_ME.search(words):
            chosen = "children-young-people"  # a child writing about themselves: Childline
        elif sure and matched.topic in _SPECIFIC_SUPPORT:
            chosen = matched.topic  # a man, an LGBT+ person, honour-based abuse: their line
        elif (crisis.kind is CrisisKind.DANGER and _AT_HOME.search(words)
              and not _STRANGERS_ATTACK.search(words)):
            chosen = "domestic-abuse-support"  # support, rather than how to report it
        elif crisis.kind is CrisisKind.CHILD and _PARENT_HURT.search(words):
            chosen = "domestic-abuse-support"
        elif sure:
            chosen = matched.topic
        else:
            chosen = _CRISIS_DEFAULT.get(crisis.kind)
        if chosen not in allowed:
            return Reply(matched=False, topic=None, title=None,
                         confidence=matched.confidence, crisis=crisis)
        reply = self._topic_reply(self.kb.topics[chosen], matched.confidence)
        # The crisis block already says 999 and 55: the answer must not say it again.
        reply.body = "\n\n".join(p for p in reply.body.split("\n\n") if "999" not in p)
        reply.contacts = [c for c in reply.contacts if not c.startswith(self._emergency_name())]
        reply.related = [c for c in reply.related if c.id not in PERPETRATOR_TOPICS]
        reply.crisis = crisis
        return reply

    def _emergency_name(self) -> str:
        emergency = self.kb.contacts.get("emergency")
        return emergency.name if emergency else "Emergency"

    def topics_of(self, *kinds: str) -> list[Choice]:
        """Topics of the given kinds, for menus, in a stable order."""
        if "priority" in kinds or "theme" in kinds:
            chosen = [t for t in self.kb.priorities() if t.kind in kinds]
        else:
            chosen = sorted((t for t in self.kb.topics.values() if t.kind in kinds),
                            key=lambda t: t.title)
        return [Choice(t.id, t.title) for t in chosen]

    def topic_reply(self, entry_id: str) -> Reply | None:
        """Reply for a known topic, ward or place id (a button press), or ``None``."""
        return self._entry_reply(entry_id, 1.0)

    def area_reply(self, name: str) -> Reply | None:
        """Reply for a ward or place name (``/ward NAME``), fuzzily; ``None`` if unknown."""
        eid = self.matcher.match_area(name)
        return self._entry_reply(eid, 1.0) if eid else None

    def unknown_area_reply(self, name: str) -> Reply:
        """Honest reply for a place the plan does not mention at all."""
        return self._place_reply(name, place_entry_id(name), 1.0)

    # ------------------------------------------------------------------ building replies

    def _from_match(self, result: MatchResult) -> Reply:
        if result.best is None:
            return Reply(
                matched=False,
                topic=None,
                title=None,
                confidence=result.confidence,
                body="Sorry, I'm not sure I understood that.\n\n" + MENU + "\n\n" +
                EMERGENCY_LINE,
                suggestions=[Choice(c.id, c.title) for c in result.suggestions],
            )
        reply = self._entry_reply(result.best.id, result.confidence)
        assert reply is not None  # the matcher only returns ids it indexed
        reply.suggestions = [Choice(c.id, c.title) for c in result.suggestions]
        return reply

    def _entry_reply(self, entry_id: str, confidence: float) -> Reply | None:
        if entry_id in self.kb.topics:
            return self._topic_reply(self.kb.topics[entry_id], confidence)
        if entry_id.startswith("ward:"):
            ward = self.kb.wards.get(entry_id.removeprefix("ward:"))
            return self._ward_reply(ward, confidence) if ward else None
        if entry_id.startswith("place:"):
            entry = self.matcher.entries.get(entry_id)
            return self._place_reply(entry.title, entry_id, confidence) if entry else None
        return None

    def _topic_reply(self, topic: Topic, confidence: float) -> Reply:
        if topic.kind == "declined":
            # Out of scope (bins, council tax...): where to go instead, never a guess.
            return Reply(matched=False, topic=topic.id, title=None, confidence=confidence,
                         body=f"{topic.answer}\n\n{MENU}\n\n{EMERGENCY_LINE}",
                         contacts=[c.line() for c in self.kb.contacts_for(topic)],
                         footer=f"Source: {topic.source}. Checked {_date(topic.reviewed)}.",
                         declined=True)
        contacts, footer, related = self._parts(topic)
        return Reply(
            matched=True,
            topic=topic.id,
            title=topic.title,
            confidence=confidence,
            body=topic.answer,
            contacts=list(contacts),  # fresh lists: a crisis reply filters its own
            footer=footer,
            related=list(related),
        )

    def _parts(self, topic: Topic) -> tuple[tuple[str, ...], str, tuple[Choice, ...]]:
        """A topic's contact lines, footer and related topics: the same for every answer
        from one knowledge base (a Responder never outlives its knowledge base), so worked
        out once per topic."""
        found = self._topic_parts.get(topic.id)
        if found is not None:
            return found
        contacts = self.kb.contacts_for(topic)
        # "Verified" only where every contact shown was read on an official page; the
        # others carry their own note on their line (Contact.line).
        source = topic.source.replace("contacts.yaml", "the partnership's contact list")
        footer = f"Source: {source}. Checked {_date(topic.reviewed)}."
        dates = [c.reviewed for c in contacts if c.reviewed]
        if dates and min(dates) != topic.reviewed:
            checked = ("verified on official pages"
                       if all(c.confidence == "official" for c in contacts) else "checked")
            footer += f" Contacts {checked} {_date(min(dates))}."
        found = self._topic_parts[topic.id] = (
            tuple(c.line() for c in contacts), footer,
            tuple(Choice(r, self.kb.topics[r].title) for r in topic.related
                  if r in self.kb.topics))
        return found

    def borough_figures(self) -> str:
        """One paragraph of borough-wide crime figures, from the plan."""
        overall = self.kb.topics.get("overall-crime")
        if overall is None:
            return ""
        return overall.answer.split("\n\n")[0]

    def _ward_reply(self, ward: Ward, confidence: float) -> Reply:
        status = {
            "priority": f"{ward.name} is one of the partnership's priority wards "
            "(Anglesey, Burton Town and Shobnall), chosen from the annual Community Safety "
            "Strategic Assessment.",
            "inner-burton": f"{ward.name} is one of the inner Burton wards the partnership "
            "also focuses on (with " + _and([w.name for w in self.kb.wards.values()
                                             if w.status == "inner-burton" and w != ward])
            + ").",
            "precision-policing": f"{ward.name} is one of the \"Precision Policing\" areas "
            "where targeted action takes place.",
        }[ward.status]
        paras = [status]
        if ward.note:
            paras.append(ward.note.strip())
        if ward.figures:
            lines = []
            for f in ward.figures:
                area = f" ({f.area})" if f.area and f.area != ward.name else ""
                comp = "".join(f", {k} {format_value(v)}" for k, v in f.comparison.items())
                lines.append(f"• {f.name}{area}: {format_value(f.value)} {f.unit}{comp}")
            paras.append("What the plan gives for this area:\n" + "\n".join(lines))
        elif "Appendix 2" in ward.source:
            pass  # the note says Appendix 2 shows its figures as charts the bot cannot read
        else:
            paras.append("The plan gives no separate figures for " + ward.name + ".")
        borough = self.borough_figures()
        if borough:
            paras.append("Across the borough: " + borough)
        paras.append("To report something in your area: 101, or 999 in an emergency.")
        return Reply(
            matched=True,
            topic=f"ward:{ward.id}",
            title=f"{ward.name}",
            confidence=confidence,
            body="\n\n".join(paras),
            footer=f"Source: {ward.source}. Checked {_date(ward.reviewed)}.",
            related=[Choice(t, self.kb.topics[t].title)
                     for t in ("priority-wards", "asb-report") if t in self.kb.topics],
        )

    def _place_reply(self, name: str, entry_id: str, confidence: float) -> Reply:
        paras = [f"The plan has no ward figures for {name}."]
        borough = self.borough_figures()
        if borough:
            paras.append("Across East Staffordshire: " + borough)
        paras.append("The partnership's priority wards are Anglesey, Burton Town and Shobnall, "
                     "and it also focuses on the inner Burton wards Eton Park, Horninglow, "
                     "Stapenhill and Winshill.")
        paras.append("To report something in your area: 101, or 999 in an emergency.")
        overall = self.kb.topics.get("overall-crime")
        return Reply(
            matched=True,
            topic=entry_id,
            title=name,
            confidence=confidence,
            body="\n\n".join(paras),
            footer=("Source: plan sections 6 and 7." +
                    (f" Checked {_date(overall.reviewed)}." if overall else "")),
            related=[Choice(t, self.kb.topics[t].title)
                     for t in ("priority-wards",) if t in self.kb.topics],
        )
