"""Scenarios as typed, immutable models: what tutors write in ``scenarios/*.yaml``.

A scenario describes an organisation (its customer-service promise as specific commitments,
and the policies a learner may cite, with the authority limits they set), the laws that
apply (ids in the shared catalogue ``rubrics/legislation.yaml``), the customer, the
escalation triggers, and the conversation as nodes. Each node has what the customer says
(varying with their mood) and branches that test what the learner's reply did and lead to
the next node with a change of mood. A node with an ``outcome`` ends the conversation.

The models validate everything a single file can show (ids, ranges, required fields);
references between parts (a branch's ``goto``, a cited policy) are checked by
:mod:`roleplay.core.lint`, which reports every problem with its line and column. What a
branch condition can test is listed once, in :mod:`roleplay.core.conditions`.

This module loads one file or one folder; every command and screen finds scenarios through
the :class:`~roleplay.core.library.ScenarioLibrary`, which builds on it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from roleplay.core import moves
from roleplay.core.files import folder_problem, read_file, yaml_files
from roleplay.core.problems import Problem, Severity, has_errors
from roleplay.core.source import SourceMap, load_yaml, unknown_id_error, validate_model

MOOD_MIN: Final = 0
MOOD_MAX: Final = 10


class Band(StrEnum):
    """How the customer feels, as a band of the 0–10 mood scale (0 is furious)."""

    FURIOUS = "furious"
    ANGRY = "angry"
    UNHAPPY = "unhappy"
    CALM = "calm"
    SATISFIED = "satisfied"


BANDS: Final[tuple[Band, ...]] = tuple(Band)
_BAND_FLOORS: Final = {
    Band.FURIOUS: 0,
    Band.ANGRY: 3,
    Band.UNHAPPY: 5,
    Band.CALM: 7,
    Band.SATISFIED: 9,
}


def band_of(mood: int) -> Band:
    """Return the band of a mood: 0–2 furious, 3–4 angry, 5–6 unhappy, 7–8 calm, 9–10 satisfied."""
    found = Band.FURIOUS
    for band, floor in _BAND_FLOORS.items():
        if mood >= floor:
            found = band
    return found


def clamp_mood(mood: int) -> int:
    """Keep a mood on the 0–10 scale."""
    return max(MOOD_MIN, min(MOOD_MAX, mood))


class Channel(StrEnum):
    """How the customer is in touch."""

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    FACE_TO_FACE = "face_to_face"


class Difficulty(StrEnum):
    """How hard the scenario is, for the picker."""

    FOUNDATION = "foundation"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class OutcomeKind(StrEnum):
    """The named ends a conversation can reach."""

    RESOLVED = "resolved"
    ESCALATED = "escalated_correctly"
    CUSTOMER_LOST = "customer_lost"
    OMBUDSMAN = "ombudsman"
    UNSAFE = "unsafe"
    """The customer goes on in danger the learner let stand ("If you say it's all right to
    drive, I'm on my way"): not lost, and nothing to aim for."""


GOOD_OUTCOMES: Final = frozenset({OutcomeKind.RESOLVED, OutcomeKind.ESCALATED})


class TriggerKind(StrEnum):
    """What makes escalation the right move."""

    LEGAL_THREAT = "legal_threat"
    VULNERABILITY = "vulnerability"
    BEYOND_AUTHORITY = "beyond_authority"
    REPEATED_FAILURE = "repeated_failure"
    SAFETY = "safety"


class Ask(StrEnum):
    """What the customer is asking for at a node; default reactions watch for it."""

    APOLOGY = "apology"
    ANSWER = "answer"
    REMEDY = "remedy"
    MANAGER = "manager"


def _known_id(value: str) -> str:
    if not moves.is_known(value):
        raise unknown_id_error("move or flag", value, moves.ALL_IDS)
    return value


IdText = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", min_length=1, max_length=64)]
"""An id a tutor writes: lower-case letters, digits, hyphens and underscores."""

MoveOrFlag = Annotated[
    str, AfterValidator(_known_id), Field(json_schema_extra={"enum": list(moves.ALL_IDS)})
]
Text = Annotated[str, Field(min_length=1)]
Mood = Annotated[int, Field(ge=MOOD_MIN, le=MOOD_MAX)]
MoodChange = Annotated[int, Field(ge=-10, le=10)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Commitment(_Model):
    """One specific commitment of the customer-service promise (not a slogan)."""

    id: IdText
    aspect: Literal["response_time", "quality", "attitude", "accuracy", "other"]
    text: Text
    cues: tuple[Text, ...] = ()
    """Words that count as naming this commitment in a reply ("next-day delivery"), besides
    the learner restating it in their own words."""
    breached: Text | None = None
    """What happened, when this commitment was broken before the conversation began."""
    put_right: tuple[Text, ...] = ()
    """What a remedy tied to this breach sounds like ("delivery charge"); empty when owning
    the breach out loud is the whole recovery."""


MONEY_ACTIONS: Final = (
    "refund",
    "compensation",
    "credit",
    "replacement",
    "discount",
    "waive_fee",
    "goodwill",
)
"""Remedies the scorer knows the words for; any other action needs its own ``words``."""


class AuthorityLimit(_Model):
    """What a learner may do without someone more senior, e.g. refunds up to £50.

    A limit may be on money (``refund`` up to £50) or on an act that is not money at all
    (pausing collections, noting a hospital stay, making an announcement): then ``words``
    say what doing it sounds like, and ``up_to`` stays empty (the learner may not do it).
    """

    action: IdText
    up_to: float | None = Field(default=None, ge=0)
    """The largest amount in pounds the learner may give; None means none at all."""
    needs: Text = "a manager"
    """Who must approve more, in the words a learner would use."""
    words: tuple[Text, ...] = ()
    """Phrases that count as doing or promising this act ("pause the letters")."""

    @model_validator(mode="after")
    def _words_known(self) -> AuthorityLimit:
        if self.action not in MONEY_ACTIONS and not self.words:
            known = ", ".join(MONEY_ACTIONS)
            raise ValueError(
                f"an action other than {known} needs 'words': the phrases that count as doing it"
            )
        return self


class Confidential(_Model):
    """Personal data in the scenario that the person the learner is talking to may not hear.

    A reply that says something about ``person`` in ``words`` (his balance, his missed
    payments) without refusing is a disclosure to someone not entitled to it.
    """

    about: Text
    """What it is, in a few words ("Steven's credit card account")."""
    person: tuple[Text, ...] = ()
    """How a reply refers to whoever the data is about ("he", "his", "your husband"); when
    given, a sentence must name them too (leave empty when ``words`` say it already)."""
    words: tuple[Text, ...] = Field(min_length=1)
    """What saying the data sounds like ("owes", "balance", "missed payments")."""
    entitled: Text = "the account holder or someone they have authorised"
    """Who may hear it."""


class Policy(_Model):
    """An organisational policy a learner may cite by name."""

    id: IdText
    name: Text
    summary: Text
    cues: tuple[Text, ...] = Field(min_length=1)
    """Words that count as citing it ("returns policy", "30-day")."""
    limits: tuple[AuthorityLimit, ...] = ()
    entitles: tuple[Text, ...] = ()
    """What the policy gives the customer as of right, in the words a refusal would name
    ("delay repay", "next available service"): a learner who says no to one of them
    withholds what the customer is owed, which is against the policy however politely said."""


class Organisation(_Model):
    """Who the learner works for: its name, its promise and its policies."""

    name: Text
    promise: tuple[Commitment, ...] = Field(min_length=1)
    policies: tuple[Policy, ...] = ()
    confidential: tuple[Confidential, ...] = ()
    """Personal data the customer in this scenario may not be told."""


class NeedKind(StrEnum):
    """What sort of thing a customer needs; each kind has defaults in ``rubrics/needs.yaml``
    (what meets it, how the customer thanks for it, how they press for it)."""

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    REMEDY = "remedy"
    TIME = "time"
    NAMED_PERSON = "named_person"
    DATA_REASSURANCE = "data_reassurance"
    MANAGER = "manager"
    SAFETY = "safety"
    OTHER = "other"


class Need(_Model):
    """One thing the customer needs from the conversation, and what meets it.

    The engine keeps, across turns, which needs were met (when, by which words) and which are
    still open, so the customer thanks for what was given, never asks for it again, and
    presses for what is still missing.
    """

    id: IdText
    kind: NeedKind | None = None
    """The sort of need; by default the kind named by ``id`` (``apology``), else ``other``."""
    what: Text
    """The need in a few words, as a transcript or debrief shows it ("a refund of the full £64")."""
    met_by: Condition | tuple[Condition, ...] | None = None
    """What a reply must do to meet it, as a branch's ``when`` says it, or a list of such
    tests of which any one will do (a move said with a topic word, or the phrases a tutor
    expects); by default the kind's own test (an apology is met by ``apologise``). Needed
    for kind ``other``."""
    raised_at: tuple[IdText, ...] = ()
    """Nodes where the customer first raises it; empty when it is open from the start. A
    reply can meet it before it is raised (a refund offered before it was asked for),
    unless ``early`` is false."""
    early: bool = True
    """Whether a reply can meet it before the customer raises it: an offered refund can; a
    danger the customer has not yet told the learner of cannot."""
    thanks: str | None = None
    """What the customer thanks the learner for once it is met ("sorting the refund"), in
    "Thank you for …"; by default the kind's words; "" for no thanks at all."""
    press: tuple[Text, ...] = ()
    """How the customer asks for it again while it is open, when their own line would
    repeat itself; by default the kind's lines."""

    @property
    def need_kind(self) -> NeedKind:
        """The kind, given or implied by the id."""
        if self.kind is not None:
            return self.kind
        return NeedKind(self.id) if self.id in NeedKind.__members__.values() else NeedKind.OTHER

    @model_validator(mode="after")
    def _other_says_what_meets_it(self) -> Need:
        if self.need_kind is NeedKind.OTHER and self.met_by is None:
            raise ValueError(
                "a need of kind 'other' needs 'met_by': what a reply must do to meet it"
            )
        return self


class Answer(_Model):
    """What the customer answers when the learner's reply ends by asking about something
    the tutor foresaw ("Have you hit a pothole since?" → "No. It was fine until Sunday.")."""

    asks: tuple[Text, ...] = Field(min_length=1)
    """Words of which any one in the learner's last question shows it asks this (matched as
    keywords are: whole words, spelling-tolerant, text-speak read)."""
    say: Text
    """The customer's answer, said before they go on."""
    raises: tuple[IdText, ...] = ()
    """Needs the answer brings up (asked how he is, he tells of the headache that needs a
    doctor): raised from then on, as if the customer had reached a node that raises them."""


class Customer(_Model):
    """The customer: who they are, what happened, how they feel, how long they will last."""

    name: Text
    situation: Text
    mood: Mood = 3
    patience: int = Field(default=3, ge=1, le=10)
    """How many replies in a row may make things worse before the customer gives up."""
    needs: tuple[Need, ...] = ()
    """What the customer needs from the conversation, most pressing first. Left out, the
    needs follow from what the nodes ``ask`` for (an apology, a remedy, a manager)."""
    details: dict[Annotated[str, Field(min_length=1)], Text] = Field(default_factory=dict)
    """What the customer tells a learner who asks for it, by what it is ("order number":
    "BW-20931", "postcode": "LS6 4BQ"): "Can I take your order number?" is answered
    "It's BW-20931." before the customer goes on. Their name is always known."""
    answers: tuple[Answer, ...] = ()
    """Other questions the customer can answer, first that fits wins: what a learner may ask
    about the situation ("Were you abroad recently?", "Is anyone meeting you?"), and how
    they want to be contacted."""


class Trigger(_Model):
    """Something that, once it happens, makes escalation the expected move (or not)."""

    id: IdText
    kind: TriggerKind
    description: Text
    escalate: bool = True
    """Whether escalating is expected once this has fired."""


class Condition(_Model):
    """What a branch tests in the learner's reply and the conversation so far.

    Every list that is given must be satisfied: ``all`` ids present, at least one of
    ``any``, none of ``none``, at least one of ``cites`` (policy or law ids), at least one
    of ``keywords`` (spelling-tolerant), at least one of ``finds`` (the law misstated, a
    promise beyond authority), the mood within the bounds given, every need in ``met`` met
    and every need in ``open`` still open.
    """

    all: tuple[MoveOrFlag, ...] = ()
    any: tuple[MoveOrFlag, ...] = ()
    none: tuple[MoveOrFlag, ...] = ()
    cites: tuple[IdText, ...] = ()
    keywords: tuple[Text, ...] = ()
    finds: tuple[Literal["misstatement", "beyond_authority"], ...] = ()
    """The reply misstates the law, or promises beyond the learner's authority (any)."""
    mood_at_least: Mood | None = None
    mood_at_most: Mood | None = None
    met: tuple[IdText, ...] = ()
    """Needs of the customer (``customer.needs`` ids) met by now, by this reply or before."""
    open: tuple[IdText, ...] = ()
    """Needs still open after this reply: a branch that assumes something was not done
    ("nobody rang") tests that it is still open, so a reply that did it never takes it."""

    @model_validator(mode="after")
    def _says_something(self) -> Condition:
        # Every field is a test (see roleplay.core.conditions.KINDS); none given tests nothing.
        if all(getattr(self, name) in ((), None) for name in type(self).model_fields):
            raise ValueError("a condition must test something; use 'otherwise: true' instead")
        return self


class Branch(_Model):
    """Where the conversation goes when the reply meets ``when`` (or ``otherwise``)."""

    when: Condition | None = None
    otherwise: bool = False
    goto: IdText
    mood: MoodChange = 0
    say: Text | None = None
    """A line the customer says first, before the next node's line."""
    because: Text | None = None
    """Why the customer reacts so, in words the debrief can quote."""

    @model_validator(mode="after")
    def _when_or_otherwise(self) -> Branch:
        if (self.when is not None) != self.otherwise:
            return self
        raise ValueError("a branch needs either 'when' or 'otherwise: true', not both")


def has_a_line(lines: Any) -> Any:
    """Refuse lines by mood band with no line in them: the customer would have nothing to say."""
    if isinstance(lines, dict) and not lines:
        raise ValueError(
            "write what the customer says: a line, or lines for mood bands "
            "(furious, angry, unhappy, calm, satisfied) or 'default'; {} has none"
        )
    return lines


ReplyDid = Literal["blamed-customer", "blamed-someone-else", "dismissed"]
"""What a reply did that a line may answer: put the fault on the customer, put the fault or
the decision on someone else, or brushed the customer off."""


class LineVariant(_Model):
    """One way the customer may say a node's line, and when it fits.

    The engine says the first variant that fits the mood and the needs, and that the
    customer has not said already in this attempt.
    """

    say: Text
    band: tuple[Band, ...] = ()
    """The mood bands it fits (after the reply); empty for any."""
    open: tuple[IdText, ...] = ()
    """Needs it asks for: said only while every one of them is still open."""
    met: tuple[IdText, ...] = ()
    """Needs it takes as given ("Thanks for the refund. But…"): said only once they are met."""
    after: tuple[ReplyDid, ...] = ()
    """What the reply just before must have done for it to be said ("Don't you start on me.
    I've been driving twenty-five years" only after the fault was put on the customer);
    empty for any reply."""

    @model_validator(mode="before")
    @classmethod
    def _one_band(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("band"), str):
            return {**data, "band": (data["band"],)}
        return data


BandLines = dict[Literal["furious", "angry", "unhappy", "calm", "satisfied", "default"], Text]

CustomerLine = Annotated[
    Text | BandLines | Annotated[tuple[LineVariant, ...], Field(min_length=1)],
    AfterValidator(has_a_line),
]
"""What the customer says: one line, a line for each mood band (at least one), or a list
of variants chosen by mood and by what the customer still needs."""


class Node(_Model):
    """One point of the conversation: the customer speaks, the learner replies."""

    id: IdText
    customer: CustomerLine
    asks: tuple[Ask, ...] = ()
    triggers: tuple[IdText, ...] = ()
    """Triggers that fire when the conversation reaches this node."""
    branches: tuple[Branch, ...] = ()
    outcome: OutcomeKind | None = None

    @model_validator(mode="after")
    def _ends_or_goes_on(self) -> Node:
        if self.outcome is None and not self.branches:
            raise ValueError("a node needs branches, or an outcome to end the conversation")
        if self.outcome is not None and self.branches:
            raise ValueError("a node with an outcome ends the conversation: remove its branches")
        return self

    def line(self, mood: int) -> str:
        """Return what the customer says here at ``mood`` (the nearest band written)."""
        return pick_line(self.customer, mood)

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line written for this node, in the order written."""
        if isinstance(self.customer, str):
            return (self.customer,)
        if isinstance(self.customer, tuple):
            return tuple(v.say for v in self.customer)
        return tuple(self.customer.values())


def pick_line(lines: str | dict[str, str] | tuple[LineVariant, ...], mood: int) -> str:
    """Choose the line for ``mood``, knowing nothing of the conversation so far.

    Its own band's line if written; else a neighbouring band's (a satisfied customer speaks
    the calm line rather than an angry default); else ``default``; else the nearest band's.
    Of variants, the first that fits the band and takes no need as met.
    """
    if isinstance(lines, str):
        return lines
    return band_order(lines, mood)[0]


def band_order(lines: dict[str, str] | tuple[LineVariant, ...], mood: int) -> list[str]:
    """Every line written, best fit for ``mood`` first (see :func:`pick_line`).

    For variants: those that fit the band (or name none) and take no need as met, in the
    order written; then the rest in the order written.
    """
    if isinstance(lines, tuple):
        band = band_of(mood)
        fits = [v.say for v in lines if (not v.band or band in v.band) and not v.met]
        return list(dict.fromkeys([*fits, *(v.say for v in lines)]))
    return [lines[key] for key in band_keys(lines, mood)]


def band_line(lines: dict[str, str], mood: int) -> str:
    """The line of ``lines`` (by mood band) that best fits ``mood``: see :func:`band_keys`."""
    return lines[band_keys(lines, mood)[0]]


def band_keys(lines: dict[str, str], mood: int) -> list[str]:
    """The keys of band lines, best fit for ``mood`` first: its own band, a neighbouring
    band (the happier first), ``default``, then the rest by distance."""
    want = band_of(mood)
    index = BANDS.index(want)
    by_distance = sorted(BANDS, key=lambda b: (abs(BANDS.index(b) - index), -BANDS.index(b)))
    order = [want.value] if want.value in lines else []
    order += [b.value for b in by_distance if abs(BANDS.index(b) - index) == 1]
    order += ["default", *(b.value for b in by_distance)]
    return [key for key in dict.fromkeys(order) if key in lines] or list(lines)[:1]


class Reaction(_Model):
    """A scenario's own version of a default reaction (see ``rubrics/reactions.yaml``)."""

    say: Text | None = None
    at_customer: Text | None = None
    """For ``blamed``: what this customer says when the blame is laid on them ("I did put
    my readings in, every month"), in the facts of their story."""
    mood: MoodChange | None = None
    enabled: bool = True


class Expectation(_Model):
    """What a self-test's scripted replies must reach."""

    outcome: OutcomeKind | None = None
    node: IdText | None = None
    score: tuple[int, int] | None = None
    """The lowest and highest acceptable debrief score, 0–100."""

    @model_validator(mode="after")
    def _expects_something(self) -> Expectation:
        if self.outcome is None and self.node is None and self.score is None:
            raise ValueError("a self-test must expect an outcome, a node or a score range")
        if self.score is not None and not 0 <= self.score[0] <= self.score[1] <= 100:
            raise ValueError("score must be [lowest, highest] within 0–100")
        return self


class SelfTest(_Model):
    """Scripted learner replies and what they must reach, checked by ``roleplay validate``."""

    name: Text
    replies: tuple[Text, ...] = Field(min_length=1)
    framework: str | None = None
    expect: Expectation


class Scenario(_Model):
    """A complete complaint scenario."""

    id: IdText
    title: Text
    sector: Text
    channel: Channel
    difficulty: Difficulty
    brief: Text
    """What the learner reads before starting: who they are and what has happened."""
    framework: str = "LATER"
    """The complaint-handling model suggested for this scenario."""
    organisation: Organisation
    legislation: tuple[IdText, ...] = ()
    ombudsman_open: bool = False
    """Whether the customer may take the complaint to the ombudsman now (8 weeks have
    passed, or a final response was given): then telling them so is a proper escalation;
    otherwise "go to the ombudsman" only sends them away."""
    customer: Customer
    triggers: tuple[Trigger, ...] = ()
    start: IdText | None = None
    """The first node (default: the first one written)."""
    nodes: tuple[Node, ...] = Field(min_length=1)
    reactions: dict[str, Reaction] = Field(default_factory=dict)
    model_answers: dict[IdText, Text] = Field(default_factory=dict)
    """What a strong learner would say in this scenario, by marking point id (or model step
    id): the debrief's advice quotes it as its example instead of a generic one."""
    tests: tuple[SelfTest, ...] = ()

    @property
    def start_node(self) -> str:
        """The id of the node the conversation starts at."""
        return self.start or self.nodes[0].id

    def node(self, node_id: str) -> Node:
        """Return the node with this id (KeyError when there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def policy(self, policy_id: str) -> Policy | None:
        """Return the policy with this id, or None."""
        return next((p for p in self.organisation.policies if p.id == policy_id), None)

    def trigger(self, trigger_id: str) -> Trigger | None:
        """Return the trigger with this id, or None."""
        return next((t for t in self.triggers if t.id == trigger_id), None)


def content_hash(text: str | bytes) -> str:
    """Return the SHA-256 of a scenario file's content, recorded in every transcript."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def scenario_schema() -> dict[str, Any]:
    """Return the JSON Schema of a scenario file, from the model that validates it."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "roleplay scenario"
    return schema


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A scenario with the file it came from and that file's content hash."""

    scenario: Scenario
    path: Path
    digest: str


def load_scenario_with_map(
    path: Path,
) -> tuple[LoadedScenario | None, SourceMap, list[Problem]]:
    """Load and validate one scenario file, keeping the source map that locates its parts.

    The file is read once (see :func:`roleplay.core.files.read_file`): the same bytes are
    parsed and hashed. The scenario is None when the file cannot be read, is empty or is
    not a valid scenario; every problem comes back with its position.
    """
    name = str(path)
    raw = read_file(path, name=name)
    if isinstance(raw, Problem):
        return None, SourceMap(name), [raw]
    data, smap, problems = load_yaml(path, raw)
    if data is None:
        if not problems:
            problems = [Problem(name, 1, 1, "empty", "the file is empty")]
        return None, smap, problems
    model, found = validate_model(Scenario, data, smap)
    problems.extend(found)
    if model is None:
        return None, smap, problems
    return LoadedScenario(model, path, content_hash(raw)), smap, problems


def load_scenario(path: Path) -> tuple[LoadedScenario | None, list[Problem]]:
    """Load one scenario file for use: its schema and the lint errors ``validate`` reports.

    A scenario whose parts do not fit together (a ``goto`` naming no node, a cited policy
    that is not there) would break in the middle of a conversation, so it is refused here,
    where every command and the app load scenarios: the scenario is None and the problems
    say where. Lint warnings are left to ``roleplay validate``; they do not stop a scenario.
    """
    from roleplay.core.lint import lint_scenario  # lint builds on this module

    loaded, smap, problems = load_scenario_with_map(path)
    if loaded is None:
        return None, problems
    problems.extend(p for p in lint_scenario(loaded, smap) if p.severity is Severity.ERROR)
    if has_errors(problems):
        return None, problems
    return loaded, problems


def load_scenario_dir(folder: Path) -> tuple[dict[str, LoadedScenario], list[Problem]]:
    """Load every scenario in ``folder`` (``*.yaml`` or ``*.yml``), keyed by id, with every problem.

    A file with an error is set aside (left out) and its problems returned, so one bad file
    never stops the others from being used; so is a second file with an id already taken.
    A folder that cannot be listed is itself a problem.
    """
    found: dict[str, LoadedScenario] = {}
    problems: list[Problem] = []
    why = folder_problem(folder)
    if why is not None:
        return found, [Problem(str(folder), 0, 0, "io", why)]
    for path in yaml_files(folder):
        loaded, file_problems = load_scenario(path)
        problems.extend(file_problems)
        if loaded is None or has_errors(file_problems):
            continue
        if loaded.scenario.id in found:
            other = found[loaded.scenario.id].path.name
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    "duplicate-id",
                    f"scenario id '{loaded.scenario.id}' is already used by {other}",
                )
            )
            continue
        found[loaded.scenario.id] = loaded
    return found, problems
