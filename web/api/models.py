"""Pydantic models of the API's requests and responses: validation in, documentation out.

The assessment document itself is built as a dict by advisor.present.Presenter and returned as
is (fast); AssessmentDocument describes its shape for OpenAPI and clients.
"""

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from advisor import conditions
from advisor.profile import integral, strict_profile_model
from advisor.questions import load_questions


class Lang(StrEnum):
    """The language of texts and messages."""

    zh = "zh"
    en = "en"


class Status(StrEnum):
    """What a provision says about the profile."""

    eligible = "eligible"
    undetermined = "undetermined"
    not_eligible = "not_eligible"


class Nature(StrEnum):
    """What the plan's sentence binds the district to."""

    commitment = "commitment"
    target = "target"
    pilot = "pilot"
    exploration = "exploration"
    service = "service"


class ProvisionKind(StrEnum):
    fast_track = "fast_track"
    subsidy = "subsidy"
    financing = "financing"
    service = "service"


class View(StrEnum):
    """full: the profile's part with its texts, the catalog's texts by reference; expanded: every finding
    self-contained; compact: statuses, questions and failed tests only."""

    full = "full"
    expanded = "expanded"
    compact = "compact"


class QuestionType(StrEnum):
    bool = "bool"
    enum = "enum"
    integer = "integer"
    number = "number"
    credit_code = "credit_code"


class SizeClass(StrEnum):
    """An enterprise size class of the national SME standard (工信部联企业〔2011〕300号)."""

    large = "large"
    medium = "medium"
    small = "small"
    micro = "micro"


class Direction(StrEnum):
    increase = "increase"
    decrease = "decrease"


class CheckKind(StrEnum):
    field = "field"
    concept = "concept"
    all = "all"
    any = "any"


class CheckResult(StrEnum):
    met = "met"
    failed = "failed"
    unknown = "unknown"


class BasisKind(StrEnum):
    plan = "plan"
    public = "public"
    common = "common"


class Confidence(StrEnum):
    """How far a public source can be trusted."""

    high = "High"
    med_high = "Med/High"
    med = "Med"
    low_med = "Low/Med"
    low = "Low"


class TimeUnit(StrEnum):
    working_days = "working_days"
    working_hours = "working_hours"
    days = "days"
    hours = "hours"


class NeededWhen(StrEnum):
    """eligible: needed by provisions that apply; if_confirmed: only by provisions that may apply."""

    eligible = "eligible"
    if_confirmed = "if_confirmed"


Op = StrEnum("Op", [(op, op) for op in get_args(conditions.Op)])  # type: ignore[misc]
Op.__doc__ = "How a field test compares the answer with the required value"


class WarningLevel(StrEnum):
    warning = "warning"
    error = "error"


Scope = Annotated[str, Field(pattern=r"^(municipal|provincial|any|[a-z_]+([|&][a-z_]+)*)$", examples=[
    "site_in_qingyang", "enterprise_in_qingyang|moving_into_qingyang"])]
_NATURE = ("What the plan's sentence binds the district to: a commitment (a stated time limit), a target "
           "(力争 or dated), a pilot (试点), an exploration (探索) or a service")
_SCOPE = ("What must be in Qingyang for the provision to apply: enterprise_in_qingyang (registered or operating "
          "there), moving_into_qingyang (moving in from another Chengdu district), site_in_qingyang (the project's "
          "site or the premises connected to water, gas or power), site_in_function_zone (that site in an industrial "
          "function zone), court_qingyang (a case the Qingyang court hears); several joined by | (any of) or & (all "
          "of); or municipal / provincial (a programme the plan only promotes) or any")

WAREHOUSE = {
    "enterprise": {"in_qingyang": True, "size": "small", "ownership": "private"},
    "project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                "low_risk": True, "floor_area_m2": 1200, "small_scale": True},
}


# The typed profile, validated with its request in one pass (strict: JSON as the Profile's schema says);
# web.problems names each bad field by its profile path, as the advisor does. Documented as the Profile
# component that web.openapi adds from the same model (and puts in place of this marker).
TypedProfile = Annotated[strict_profile_model(), WithJsonSchema({"type": "object", "x-component": "Profile"})]
PROFILE_DESCRIPTION = ("The enterprise profile (also at GET /api/v1/schemas/profile). Every field is optional; an "
                       "unanswered field is unknown, never no.")

# A full-date (RFC 3339) no earlier than the plan's first day, 2020-11-23: JSON Schema has no minimum for
# dates, so the pattern says it (`format: date` checks the day). advisor.assess.check_as_of refuses the same.
ON_OR_AFTER_PLAN = (r"^(2020-11-(2[3-9]|30)|2020-12-[0-9]{2}|202[1-9]-[0-9]{2}-[0-9]{2}|20[3-9][0-9]-[0-9]{2}-[0-9]{2}"
                    r"|2[1-9][0-9]{2}-[0-9]{2}-[0-9]{2}|[3-9][0-9]{3}-[0-9]{2}-[0-9]{2})$")
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _full_date(value: Any) -> Any:
    """Only YYYY-MM-DD text is a date here (pydantic alone would also take a timestamp or a datetime)."""
    if not (isinstance(value, str) and _FULL_DATE.fullmatch(value)):
        raise PydanticCustomError("date_type", "Input should be a date (YYYY-MM-DD)")
    return value


AsOf = Annotated[date, BeforeValidator(_full_date),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": ON_OR_AFTER_PLAN})]
# An integer as JSON has it: 2 and 2.0, never 2.5, "2" or true.
Integer = Annotated[int, BeforeValidator(integral), Strict()]


class ProfileRequest(BaseModel):
    """A profile to assess, the language of the answer and the date to assess for."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": WAREHOUSE, "lang": "zh"}]})

    profile: TypedProfile = Field(description=PROFILE_DESCRIPTION)  # type: ignore[valid-type]
    lang: Lang | None = Field(None, description="Language of texts (default: ?lang=, Accept-Language, then zh)")
    as_of: AsOf | None = Field(None, description="Assess for this date (default: today in Chengdu, Asia/Shanghai; "
                                                 "not before 2020-11-23, the day the plan came into force)")


TopicId = Literal[tuple(topic.id for topic in load_questions().topics)]  # type: ignore[valid-type]


class AssessmentRequest(ProfileRequest):
    """A profile to assess; `view` chooses the self-contained document or the compact one."""

    topics: list[TopicId] | None = Field(  # type: ignore[valid-type]
        None, description="What the enterprise asked about (GET /api/v1/questions lists the topics): the "
                          "`answer` holds the provisions of these topics; default: the topics whose questions "
                          "the profile answers")

    view: View = Field(
        View.full, description="full: each finding's status, conditions with the enterprise's values, questions "
                               "and failed tests, each condition once; the provisions' and questions' texts by "
                               "reference to GET /api/v1/provisions and GET /api/v1/questions (cacheable by ETag). "
                               "expanded: every finding self-contained, its provision's texts, quote, offices and "
                               "materials included (as `advisor assess --format json`; about five times larger). "
                               "compact: statuses, questions and failed tests only, without texts")


class NextQuestionsRequest(ProfileRequest):
    """A partial profile; how many questions to return."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"project": {"has_project": True, "type": "warehouse"}}, "limit": 3}]})

    limit: Integer = Field(5, ge=1, le=100, description="At most this many questions")


class _PublicFields(BaseModel):
    """What a public source adds where a reference may be one (kind public); null for the plan's own words."""

    id: str | None = Field(None, description="kind public: the source's id")
    title: str | None = Field(None, description="kind public: the source's title")
    title_en: str | None = Field(None, description="kind public: what English pages call it (null: the title)")
    date: str | None = Field(None, description="kind public: the source's date, as it gives it")
    confidence: Confidence | None = Field(None, description="kind public: how far it can be trusted")
    says: str | None = Field(None, description="kind public: what it says that matters here")
    not_a_qingyang_rule: bool | None = Field(None, description="kind public: true when it is not Qingyang's own rule")


class Basis(_PublicFields):
    """Where a fact comes from: the plan (its article), a public source (with its confidence) or common practice."""

    kind: BasisKind
    text: str
    article: str | None = Field(None, description="kind plan: the plan's article, e.g. （四）")


class ConceptSource(_PublicFields):
    """Where a concept's meaning comes from: the plan (article and quote) or a public source."""

    kind: BasisKind
    article: str | None = Field(None, description="kind plan: the plan's article")
    quote: str | None = Field(None, description="kind plan: the plan's words, verbatim")
    text: str | None = Field(None, description="kind public: the source as a person reads it")


class PublicSource(BaseModel):
    """A fact from outside the plan: shown with its source and confidence, never deciding."""

    kind: BasisKind = Field(description="always public")
    id: str
    title: str
    title_en: str | None = Field(description="What English pages call it (null: the title)")
    date: str | None = Field(description="The source's date, as it gives it")
    confidence: Confidence
    says: str
    not_a_qingyang_rule: bool
    text: str


class ContactSource(BaseModel):
    """The public page an office's address, hours and phone were read on, and when."""

    id: str
    title: str
    title_en: str | None = Field(description="What English pages call it (null: the title)")
    url: str
    date: str


class OfficeContact(BaseModel):
    """An office's address, hours and phone, only as a public page gives them (at least one of the three)."""

    address: str | None
    hours: str | None
    phone: str | None
    source: ContactSource


class Office(BaseModel):
    id: str
    kind: str
    name: str
    how: str | None
    basis: Basis
    contact: OfficeContact | None = Field(None, description="Only where a public page gives them; absent: ask "
                                          "96963 or the district's service centre")


class Material(BaseModel):
    id: str
    name: str
    note: str | None
    basis: Basis


class TimeLimit(BaseModel):
    committed: float
    before: float | None
    unit: TimeUnit
    district_average: bool = Field(description="A district-wide figure: the average over all enterprises or cases, "
                                   "never a limit for one (shown as 全区承诺：平均不超过…)")
    text: str
    note: str | None


class Gap(BaseModel):
    direction: Direction
    amount: float
    strict: bool
    text: str = Field(description="The smallest change that would qualify")


class _CheckFields(BaseModel):
    """What an evaluated condition says, whatever its items are (nested, or ids)."""

    kind: CheckKind
    result: CheckResult
    text: str
    field: str | None = Field(None, description="kind field: SECTION.FIELD")
    op: Op | None = Field(None, description="kind field: the comparison")
    required: Any = Field(None, description="kind field: the value compared with")
    value: Any = Field(None, description="kind field: the enterprise's answer (null: unanswered)")
    value_text: str | None = None
    gap: Gap | None = None
    concept: str | None = Field(None, description="kind concept: its id")
    basis: str | None = Field(None, description="kind concept: what it means")
    source: ConceptSource | None = Field(None, description="kind concept: where its meaning comes from")


class Check(_CheckFields):
    """One condition with its result: a field test carries the enterprise's value, a concept its meaning and
    source, a group (all / any) its items."""

    items: list["Check"] | None = None


class QuestionRef(BaseModel):
    field: str = Field(description="SECTION.FIELD path of the profile field")
    label: str
    help: str | None
    term: str | None = Field(description="The plan's own wording, where it matters")


class Failing(BaseModel):
    """A failed condition of a not_eligible finding, with the smallest change that would pass it."""

    text: str
    field: str | None = None
    value: Any = None
    value_text: str | None = None
    required: Any = None
    gap: Gap | None = None


class ProvisionText(BaseModel):
    """What a provision (rule) gives, where it stands in the plan and how to apply: the same for every profile."""

    id: str
    article: str
    article_title: str
    title: str
    title_zh: str
    title_en: str
    kind: ProvisionKind
    nature: Nature = Field(description=_NATURE)
    target_by: date | None = Field(description="The date the plan sets for a target, if it dates it")
    scope: Scope = Field(description=_SCOPE)
    reviewed: date | None = Field(description="When the rule was last reviewed against the plan's sentence")
    benefit: str
    time_limit: TimeLimit | None = Field(description="Only on commitments: the time limit the plan commits to")
    quote: str = Field(description="The plan's text, verbatim")
    handled_by: list[Office]
    channels: list[Office]
    materials: list[Material]
    public_facts: list[PublicSource] = Field(description="Facts from outside the plan: shown, never deciding")
    notes: list[str]


class ExpandedFinding(ProvisionText):
    """What one provision (rule) says about the profile, and why, with the provision's texts."""

    status: Status
    status_text: str
    nature_text: str = Field(description="The marker to show: 承诺 / 方案目标（2020年底前） / 试点 / 探索中… / "
                                         "the target-passed notice")
    target_passed: bool = Field(description="A dated target whose date lies before as_of: the handling "
                                            "department says what applies now")
    conditions: Check
    missing: list[QuestionRef] = Field(description="Questions that would settle an undetermined finding")
    failing: list[Failing] = Field(description="Failed conditions of a not_eligible finding")


class SettlingQuestion(QuestionRef):
    settles: list[str] = Field(description="Undetermined provisions this question can settle")


class ChecklistItem(Material):
    needed_by: list[str]
    when: NeededWhen
    alternatives: list[Material] = Field(description="Materials that may be brought instead (either one)")


class ProfileWarning(BaseModel):
    """Something in the answers to check (a credit code's check character, answers that contradict each other);
    the profile is still assessed."""

    path: str
    message: str
    level: WarningLevel


class LocalText(BaseModel):
    zh: str
    en: str


class CheckCurrent(BaseModel):
    name: LocalText
    contact: str


class Plan(BaseModel):
    """The plan assessed against, how old it is on `as_of`, and where to check what applies now."""

    id: str = Field(description="青委办字〔2020〕55号")
    in_force_from: date
    as_of: date
    age_years: int = Field(description="Whole years in force on as_of")
    notice: LocalText = Field(description="The currency notice: later plans may have changed or replaced measures")
    check_current: list[CheckCurrent] = Field(description="Where to check what applies now")


class InferredAnswer(QuestionRef):
    """A question the other answers settle: shown as 由您的回答推知, never asked."""

    value: bool
    value_text: str
    concept: str
    basis: str = Field(description="Why the other answers settle it")
    text: str


class SizeByStandard(BaseModel):
    """The size the national SME standard gives for the answers: shown, never deciding."""

    size: SizeClass
    size_text: str
    decides: bool = Field(description="Always false: the declared size is used")
    text: str
    source: PublicSource


class Counts(BaseModel):
    """How many provisions have each status."""

    eligible: int
    undetermined: int
    not_eligible: int


class CompactInferred(BaseModel):
    field: str
    value: bool


class AnswerCard(BaseModel):
    """One benefit: the provisions that give it (best first), or one that applies if a department confirms."""

    provisions: list[str]
    status: Literal["eligible", "likely"] = Field(
        description="likely: undetermined only for a department's classification (`confirm`), never counted")
    confirm: list[str] = Field(description="The classification questions the department settles (likely cards)")


class Answer(BaseModel):
    """What applies for the topics asked about, ranked by worth to the enterprise (README); `eligible` is what
    "可以享受 (N)" counts on every page, slip and record."""

    topics: list[str]
    eligible: int = Field(description="Benefits that apply (provisions with the same benefit count once)")
    committed: int = Field(description="Of those, the ones with a committed time limit for the enterprise's matter")
    likely: int = Field(description="Benefits that apply if a department confirms a classification")
    undetermined: int = Field(description="Open provisions of the topics, likely ones included")
    not_eligible: int = Field(description="Provisions of the topics that do not apply")
    text: str = Field(description="The answer in one line, e.g. 您可以享受9项，其中4项有承诺时限")
    cards: list[AnswerCard]
    district: list[str] = Field(description="Eligible services every enterprise of the district has (not counted)")
    other: list[str] = Field(description="Eligible provisions of topics not asked about (not counted)")
    open: list[str] = Field(description="Undetermined provisions of the topics, not likely ones")
    not_met: list[str] = Field(description="Provisions of the topics that do not apply, nearest misses first")


class CompactSettling(BaseModel):
    """A question that would settle open provisions, by field (its texts: GET /api/v1/questions)."""

    field: str
    settles: list[str]


class _AssessmentHead(BaseModel):
    """What the full and the expanded document say alike, beside their findings."""

    rulebase_version: str
    plan: Plan
    as_of: date
    lang: Lang
    view: View = Field(description="full or expanded, as asked")
    counts: Counts
    answer: Answer
    checklist: list[ChecklistItem]
    inferred: list[InferredAnswer] = Field(description="Unanswered questions the other answers settle")
    size_by_standard: SizeByStandard | None = Field(description="Size by 工信部联企业〔2011〕300号, never deciding")
    warnings: list[ProfileWarning]
    disclaimer: str


class ExpandedAssessmentDocument(_AssessmentHead):
    """The assessment with `view: expanded`: one self-contained finding per provision, questions to settle
    the open ones, one checklist (as `advisor assess --format json`)."""

    questions_to_settle: list[SettlingQuestion]
    findings: list[ExpandedFinding]


class CheckNode(_CheckFields):
    """One evaluated condition of the full document, by its id in `checks`: a field test carries the
    enterprise's value, a concept its meaning and source, a group (all / any) the ids of its items."""

    items: list[str] | None = Field(None, description="kind all / any / concept: the ids of its items in `checks`")


class Finding(BaseModel):
    """What one provision says about the profile; its texts are at GET /api/v1/provisions (same `id`)."""

    id: str = Field(description="The provision's id in GET /api/v1/provisions")
    status: Status
    nature_text: str = Field(description="The marker to show: 承诺 / 方案目标（2020年底前） / 试点 / 探索中… / "
                                         "the target-passed notice")
    target_passed: bool = Field(description="A dated target whose date lies before as_of: the handling "
                                            "department says what applies now")
    time_limit: TimeLimit | None = Field(None, description="Only on commitments: the time limit the plan commits "
                                                           "to on as_of")
    conditions: str = Field(description="The id of its condition in `checks`")
    missing: list[str] = Field(description="Fields whose answers would settle an undetermined finding (their "
                                           "texts: GET /api/v1/questions)")
    failing: list[str] = Field(description="The ids in `checks` of the failed conditions of a not_eligible finding")


class TextsRef(BaseModel):
    """Where the texts the full document refers to are served: the same for every profile of a rule-base
    version, cacheable by ETag."""

    provisions: str = Field(description="GET this for the provisions' texts in the document's language")
    questions: str = Field(description="GET this for the questions' texts (both languages)")
    rulebase_version: str = Field(description="The rule base whose texts they must be")


class AssessmentDocument(_AssessmentHead):
    """The assessment (`view: full`): one finding per provision, each evaluated condition once in `checks`,
    questions to settle the open ones, one checklist; the provisions' and questions' texts by reference."""

    questions_to_settle: list[CompactSettling]
    texts: TextsRef
    status_texts: dict[Status, str] = Field(description="Each status as the user reads it")
    findings: list[Finding]
    checks: dict[str, CheckNode] = Field(description="Each evaluated condition once, by id")


class CompactGap(BaseModel):
    direction: Direction
    amount: float
    strict: bool = Field(description="true: the change must be more than `amount`")


class CompactFailing(BaseModel):
    field: str | None = None
    concept: str | None = None
    op: Op | None = None
    required: Any = None
    value: Any = None
    gap: CompactGap | None = None


class CompactFinding(BaseModel):
    """A provision's status for the profile; its texts are at /api/v1/provisions/{id}."""

    id: str
    status: Status
    article: str
    nature: Nature = Field(description=_NATURE)
    target_by: date | None
    target_passed: bool
    scope: Scope = Field(description=_SCOPE)
    missing: list[str] = Field(default_factory=list, description="fields whose answers would settle it")
    failing: list[CompactFailing] = Field(default_factory=list)


class CompactChecklistItem(BaseModel):
    material: str
    needed_by: list[str]
    when: NeededWhen


class CompactAssessmentDocument(BaseModel):
    """The assessment with `view: compact`: no texts, only what depends on the profile."""

    rulebase_version: str
    plan: Plan
    as_of: date
    lang: Lang
    view: View = Field(description="Always compact")
    counts: Counts
    answer: Answer
    findings: list[CompactFinding]
    questions_to_settle: list[CompactSettling]
    checklist: list[CompactChecklistItem]
    inferred: list[CompactInferred] = Field(description="Unanswered questions the other answers settle")
    size_by_standard: SizeClass | None = Field(
        description="Size by 工信部联企业〔2011〕300号, shown beside the declared size, never deciding")
    warnings: list[ProfileWarning]
    disclaimer: str


class OptionInfo(BaseModel):
    """One allowed value of a choice question, with its labels."""

    value: str
    zh: str
    en: str


class QuestionInfo(BaseModel):
    """A profile field with everything a form needs, in both languages."""

    field: str = Field(description="SECTION.FIELD path of the profile field")
    section: str
    type: QuestionType
    label: LocalText
    help: LocalText | None
    unit: LocalText | None = Field(description="The unit of a number, e.g. 平方米 / m²")
    term: str | None = Field(description="The plan's own wording, where it matters")
    min: float | None
    max: float | None
    options: list[OptionInfo] = Field(description="The allowed values of an enum question")
    affects: list[str] = Field(description="Provisions whose conditions read this field")


class TopicInfo(BaseModel):
    """What an enterprise is planning; selects the sections a form shows."""

    id: str
    label: LocalText
    sections: list[str]


class SectionInfo(BaseModel):
    id: str
    label: LocalText


class QuestionCatalogDocument(BaseModel):
    """Every profile question, the sections they belong to and the topics that select sections."""

    topics: list[TopicInfo]
    sections: list[SectionInfo]
    questions: list[QuestionInfo]


class NextQuestion(QuestionRef):
    """An unanswered question, with the undetermined provisions it can settle."""

    type: QuestionType
    settles: list[str] = Field(description="Undetermined provisions an answer can settle, most first")
    affects: list[str] = Field(description="Every provision whose conditions read this field")


class NextQuestions(BaseModel):
    """The questions to ask next, those that settle the most undetermined provisions first."""

    undetermined: int = Field(description="How many provisions the partial profile leaves undetermined")
    questions: list[NextQuestion]


class Provision(ProvisionText):
    """One provision of the plan as an encoded rule: what it gives, its article and quote, how to apply."""

    theme: str
    fields: list[str] = Field(description="Profile fields its conditions read")


class ProvisionList(BaseModel):
    """Every provision (or those of one article)."""

    rulebase_version: str
    provisions: list[Provision]


class JsonSchema(BaseModel):
    """A JSON Schema (2020-12) document."""

    model_config = ConfigDict(extra="allow")


class Health(BaseModel):
    """The process is up and has its rule base."""

    status: str = Field(description="ok")
    rulebase_version: str
    rules: int = Field(description="How many provisions the rule base holds")


class Readiness(BaseModel):
    """The process can also reach its database."""

    status: str = Field(description="ready")


class FieldError(BaseModel):
    path: str = Field(description="The bad field: a profile path (SECTION.FIELD) or a request member")
    message: str = Field(description="Why, in the request's language")


class Problem(BaseModel):
    """An RFC 9457 problem document (media type application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
