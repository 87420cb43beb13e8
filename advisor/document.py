"""The API's full assessment document, and how its references resolve into the self-contained one.

The full document (Presenter.assessment_json, `view: full`) holds what depends on the profile and the date,
and each of its texts once:
- `findings`: per provision its `id`, `status`, `nature_text`, `target_passed`, `time_limit` (only a
  commitment's; a parameter may change it on a date), `conditions` (the id of its condition in `checks`),
  `missing` (the fields whose answers would settle it) and `failing` (ids in `checks`);
- `checks`: each evaluated condition once by id, with its text, result, the enterprise's value and any gap;
  a group's or concept's `items` are ids again (a concept many provisions read stands once);
- `status_texts`: each status as the user reads it;
- `texts`: where the catalog's texts are, the same for every profile of a rule-base version and cacheable
  by ETag: the provisions' (title, quote, benefit, offices, materials, public facts, notes) at
  GET /api/v1/provisions?lang=…, the questions' (label, help, the plan's term) at GET /api/v1/questions.

`resolve` joins a full document with those texts into the expanded document (`view: expanded`,
Presenter.assessment_dict): each finding with its provision's texts, its condition tree nested, its questions
and failed tests spelt out. A test checks that the two agree on generated enterprises.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

# A provision's texts as GET /api/v1/provisions serves them and an expanded finding starts with them.
PROVISION_KEYS = ("id", "article", "article_title", "title", "title_zh", "title_en", "kind", "nature", "target_by",
                  "scope", "reviewed", "benefit", "time_limit", "quote", "handled_by", "channels", "materials",
                  "public_facts", "notes")
_FAILING_KEYS = ("text", "field", "value", "value_text", "required", "gap")


@dataclass(frozen=True)
class CatalogTexts:
    """What full documents refer to: the bodies of GET /api/v1/provisions by language and of
    GET /api/v1/questions."""

    provisions: Mapping[str, Mapping[str, Any]]
    questions: Mapping[str, Any]

    @cached_property
    def digest(self) -> str:
        """The SHA-256 of the texts: the rule-base version does not cover the catalog's offices and
        materials, so what was served is named by its content."""
        return hashlib.sha256(orjson.dumps([self.provisions, self.questions], option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True, slots=True)
class Advice:
    """A consultation's advice as it is kept: the full document in each language and the texts they refer
    to; `expanded` is what the staff pages and slips show."""

    documents: Mapping[str, Mapping[str, Any]]
    texts: CatalogTexts

    def expanded(self, lang: str) -> dict[str, Any]:
        """The self-contained document in `lang`."""
        return resolve(self.documents[lang], self.texts.provisions[lang], self.texts.questions)


def resolve(document: Mapping[str, Any], provisions: Mapping[str, Any], questions: Mapping[str, Any]
            ) -> dict[str, Any]:
    """The expanded document: `document` (the full view) with every reference replaced by what it names.
    `provisions` and `questions` are the bodies of GET /api/v1/provisions (in the document's language) and
    GET /api/v1/questions."""
    lang: str = document["lang"]
    checks: Mapping[str, Mapping[str, Any]] = document["checks"]
    status_texts: Mapping[str, str] = document["status_texts"]
    by_id = {item["id"]: item for item in provisions["provisions"]}
    by_path = {item["field"]: item for item in questions["questions"]}
    trees: dict[str, dict[str, Any]] = {}

    def tree(ident: str) -> dict[str, Any]:
        done = trees.get(ident)
        if done is None:
            done = trees[ident] = dict(checks[ident])
            if "items" in done:
                done["items"] = [tree(item) for item in done["items"]]
        return done

    def question(path: str) -> dict[str, Any]:
        texts = by_path[path]
        return {"field": path, "label": texts["label"][lang],
                "help": texts["help"][lang] if texts["help"] else None, "term": texts["term"]}

    def finding(item: Mapping[str, Any]) -> dict[str, Any]:
        texts = by_id[item["id"]]
        out = {key: texts[key] for key in PROVISION_KEYS}
        out.update(time_limit=item.get("time_limit"), target_passed=item["target_passed"],
                   nature_text=item["nature_text"], status=item["status"],
                   status_text=status_texts[item["status"]])
        out.update(conditions=tree(item["conditions"]), missing=[question(path) for path in item["missing"]],
                   failing=[_failing(checks[ident]) for ident in item["failing"]])
        return out

    out: dict[str, Any] = {}
    for key, value in document.items():
        if key == "view":
            value = "expanded"
        elif key == "questions_to_settle":
            value = [dict(question(entry["field"]), settles=entry["settles"]) for entry in value]
        elif key == "findings":
            value = [finding(item) for item in value]
        elif key in ("checks", "status_texts", "texts"):
            continue
        out[key] = value
    return out


def _failing(node: Mapping[str, Any]) -> dict[str, Any]:
    """A failed condition as an expanded finding lists it: its text and, for a field test, the values and
    the smallest change; for a concept, its id."""
    if node["kind"] != "field":
        return {"text": node["text"], "concept": node["concept"]}
    return {key: node[key] for key in _FAILING_KEYS if key in node}
