"""Pydantic models of the API's requests and responses: validation in, documentation out.

The assessment document itself is built as a dict by advisor.present.Presenter and returned as
is (fast); AssessmentDocument describes its shape for OpenAPI and clients.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from advisor.questions import load_questions

Status = Literal["eligible", "undetermined", "not_eligible"]
Nature = Literal["commitment", "target", "pilot", "exploration", "service"]
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


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# Validated by the advisor (advisor.profile), which names each bad field by its profile path; documented
# as the Profile component that web.openapi adds from the same model (and puts in place of this marker).
ProfileData = Annotated[dict[str, Any], WithJsonSchema({"type": "object", "x-component": "Profile"})]


class ProfileRequest(BaseModel):
    """A profile to assess, the language of the answer and the date to assess for."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": WAREHOUSE, "lang": "zh"}]})

    profile: ProfileData = Field(description="The enterprise profile (also at GET /api/v1/schemas/profile). "
                                             "Every field is optional; an unanswered field is unknown, never no.")
    lang: Literal["zh", "en"] | None = Field(None, description="Language of texts (default: ?lang=, "
                                                                "Accept-Language, then zh)")
    as_of: date | None = Field(None, description="Assess for this date (default: today in Chengdu, Asia/Shanghai; "
                                                 "not before 2020-11-23)")


TopicId = Literal[tuple(topic.id for topic in load_questions().topics)]  # type: ignore[valid-type]


class AssessmentRequest(ProfileRequest):
    """A profile to assess; `view` chooses the self-contained document or the compact one."""

    topics: list[TopicId] | None = Field(  # type: ignore[valid-type]
        None, description="What the enterprise asked about (GET /api/v1/questions lists the topics): the "
                          "`answer` holds the provisions of these topics; default: the topics whose questions "
                          "the profile answers")

    view: Literal["full", "compact"] = Field(
        "full", description="full: every finding with its texts, quote, offices and materials (what a page shows); "
                            "compact: statuses, questions and failed tests only, for systems that cache "
                            "GET /api/v1/provisions and GET /api/v1/questions")


class NextQuestionsRequest(ProfileRequest):
    """A partial profile; how many questions to return."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"project": {"has_project": True, "type": "warehouse"}}, "limit": 3}]})

    limit: int = Field(5, ge=1, le=100, description="At most this many questions")


class Basis(_Open):
    """Where a fact comes from: the plan (article), a public source (with confidence) or common practice."""

    kind: Literal["plan", "public", "common"]
    text: str


class Office(BaseModel):
    id: str
    kind: str
    name: str
    how: str | None
    basis: Basis


class Material(BaseModel):
    id: str
    name: str
    note: str | None
    basis: Basis


class TimeLimit(BaseModel):
    committed: float
    before: float | None
    unit: Literal["working_days", "working_hours", "days", "hours"]
    district_average: bool = Field(description="A district-wide figure: the average over all enterprises or cases, "
                                   "never a limit for one (shown as 全区承诺：平均不超过…)")
    text: str
    note: str | None


class Gap(BaseModel):
    direction: Literal["increase", "decrease"]
    amount: float
    strict: bool
    text: str = Field(description="The smallest change that would qualify")


class Check(_Open):
    """One condition with its result; a field test carries the enterprise's value, a group its items."""

    kind: Literal["field", "concept", "all", "any"]
    result: Literal["met", "failed", "unknown"]
    text: str
    field: str | None = None
    value: Any = None
    value_text: str | None = None
    gap: Gap | None = None
    items: list["Check"] | None = None


class QuestionRef(BaseModel):
    field: str = Field(description="SECTION.FIELD path of the profile field")
    label: str
    help: str | None
    term: str | None = Field(description="The plan's own wording, where it matters")


class Failing(_Open):
    text: str
    field: str | None = None
    value_text: str | None = None
    gap: Gap | None = None


class ProvisionText(BaseModel):
    """What a provision (rule) gives, where it stands in the plan and how to apply: the same for every profile."""

    id: str
    article: str
    article_title: str
    title: str
    title_zh: str
    title_en: str
    kind: Literal["fast_track", "subsidy", "financing", "service"]
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
    public_facts: list[dict[str, Any]] = Field(description="Facts from outside the plan: shown, never deciding")
    notes: list[str]


class Finding(ProvisionText):
    """What one provision (rule) says about the profile, and why."""

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
    when: Literal["eligible", "if_confirmed"] = Field(
        description="eligible: needed by provisions that apply; if_confirmed: only by provisions that may apply")
    alternatives: list[Material] = Field(description="Materials that may be brought instead (either one)")


class Warning_(BaseModel):
    path: str
    message: str
    level: Literal["warning", "error"]


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

    size: Literal["large", "medium", "small", "micro"]
    size_text: str
    decides: Literal[False]
    text: str
    source: dict[str, Any]


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


class AssessmentDocument(BaseModel):
    """The assessment: one finding per provision, questions to settle the open ones, one checklist."""

    rulebase_version: str
    plan: Plan
    as_of: date
    lang: Literal["zh", "en"]
    counts: dict[Status, int] = Field(description="Findings per status, over every provision")
    answer: Answer
    findings: list[Finding]
    questions_to_settle: list[SettlingQuestion]
    checklist: list[ChecklistItem]
    inferred: list[InferredAnswer] = Field(description="Unanswered questions the other answers settle")
    size_by_standard: SizeByStandard | None = Field(description="Size by 工信部联企业〔2011〕300号, never deciding")
    warnings: list[Warning_]
    disclaimer: str


class CompactGap(BaseModel):
    direction: Literal["decrease", "increase"]
    amount: float
    strict: bool = Field(description="true: the change must be more than `amount`")


class CompactFailing(BaseModel):
    field: str | None = None
    concept: str | None = None
    op: str | None = None
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


class CompactSettling(BaseModel):
    field: str
    settles: list[str]


class CompactChecklistItem(BaseModel):
    material: str
    needed_by: list[str]
    when: Literal["eligible", "if_confirmed"]


class CompactAssessmentDocument(BaseModel):
    """The assessment with `view: compact`: no texts, only what depends on the profile."""

    rulebase_version: str
    plan: Plan
    as_of: date
    lang: Literal["zh", "en"]
    view: Literal["compact"]
    counts: dict[Status, int] = Field(description="Findings per status, over every provision")
    answer: Answer
    findings: list[CompactFinding]
    questions_to_settle: list[CompactSettling]
    checklist: list[CompactChecklistItem]
    inferred: list[CompactInferred] = Field(description="Unanswered questions the other answers settle")
    size_by_standard: Literal["large", "medium", "small", "micro"] | None = Field(
        description="Size by 工信部联企业〔2011〕300号, shown beside the declared size, never deciding")
    warnings: list[Warning_]
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
    type: Literal["bool", "enum", "integer", "number", "credit_code"]
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

    type: Literal["bool", "enum", "integer", "number", "credit_code"]
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
