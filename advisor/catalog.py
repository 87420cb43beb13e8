"""The catalog: the plan's text and articles, offices and channels, materials, public sources.

Every item that is not in the plan itself carries where it comes from, so that the user is
always shown whether a fact is the plan's, a named public source's (with its confidence), or a
common requirement to confirm with the department.
"""

import re
from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .datafile import load_model
from .paths import CATALOG_DIR, PLAN_TEXT
from .text import Text

Confidence = Literal["High", "Med/High", "Med", "Low/Med", "Low"]
PLAN_ID = "青委办字〔2020〕55号"
PLAN_IN_FORCE = date(2020, 11, 23)

_NUMERALS = "一二三四五六七八九十"
_ARTICLE_MARK = re.compile(
    r"\(\s*(三\s*十\s*[一二三四五]?|二\s*十\s*[一二三四五六七八九]?|十\s*[一二三四五六七八九]?|[一二三四五六七八九])\s*\)"
)


def squash(text: str) -> str:
    """The text with all white space removed: how quotes are compared with the plan."""
    return re.sub(r"\s+", "", text)


def article_numeral(article_id: str) -> str:
    """The numeral inside an article id: 四 for （四）."""
    return squash(article_id).strip("（）()")


def article_number(article_id: str) -> int:
    """1-35 for an article id such as （四） or （二十一）."""
    inner = squash(article_id).strip("（）()")
    if inner == "十":
        return 10
    if inner.startswith("十"):
        return 10 + _NUMERALS.index(inner[1]) + 1
    if "十" in inner:
        tens, _, ones = inner.partition("十")
        return (_NUMERALS.index(tens) + 1) * 10 + (_NUMERALS.index(ones) + 1 if ones else 0)
    return _NUMERALS.index(inner) + 1


class Source(BaseModel):
    """A public source outside the plan, with how far it can be trusted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str  # as published (Chinese)
    title_en: str | None = None  # what English pages call it
    publisher: str | None = None
    date: str | None = None
    confidence: Confidence
    says: Text
    not_a_qingyang_rule: bool = False


class Basis(BaseModel):
    """Where a catalog item comes from: the plan (an article), a public source, or common practice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["plan", "public", "common"]
    article: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _check(self) -> "Basis":
        if self.kind == "plan" and not self.article:
            raise ValueError("a plan basis names its article")
        if self.kind == "public" and not self.source:
            raise ValueError("a public basis names its source id")
        return self


class Office(BaseModel):
    """A handling department, a service hall, a hotline or an online platform."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: Literal["department", "hall", "hotline", "platform"]
    name: Text
    how: Text | None = None
    basis: Basis


class Material(BaseModel):
    """A document an applicant may need to bring."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: Text
    note: Text | None = None
    basis: Basis
    alternative_to: tuple[str, ...] = ()  # materials that may be brought instead of this one


class ArticleEntry(BaseModel):
    """An article of the plan: its id, English title and who it concerns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title_en: str
    audience: Literal["enterprise", "service", "government"]


class Article(BaseModel):
    """An article with its verbatim text cut from the plan."""

    model_config = ConfigDict(frozen=True)

    id: str
    number: int
    chapter: str
    title: Text
    text: str
    audience: Literal["enterprise", "service", "government"]


class _CatalogFiles(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArticlesFile(_CatalogFiles):
    articles: tuple[ArticleEntry, ...]


class OfficesFile(_CatalogFiles):
    offices: tuple[Office, ...]


class MaterialsFile(_CatalogFiles):
    materials: tuple[Material, ...]


class SourcesFile(_CatalogFiles):
    sources: tuple[Source, ...]


class Catalog(BaseModel):
    """Everything in catalog/, cross-checked: every reference resolves."""

    model_config = ConfigDict(frozen=True)

    plan_text: str
    articles: dict[str, Article]
    offices: dict[str, Office]
    materials: dict[str, Material]
    sources: dict[str, Source]

    def in_plan(self, quote: str) -> bool:
        """Whether `quote` stands verbatim in the plan, white space aside."""
        return squash(quote) in squash(self.plan_text)


def split_articles(plan_text: str) -> list[tuple[int, str, str, str]]:
    """Cut the plan into (number, chapter, title, text) per article."""
    body = plan_text.split("附件")[0]
    marks = list(_ARTICLE_MARK.finditer(body))
    chapters = [(m.start(), m.group(0).strip()) for m in re.finditer(r"(?m)^[一二三四五六七八]、.*$", body)]
    pieces = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(body)
        text = body[mark.start() : end]
        chapter_starts = [pos for pos in (c[0] for c in chapters) if pos < end]
        text = text[: max((p - mark.start() for p in chapter_starts if p > mark.start()), default=len(text))]
        chapter = max((c for c in chapters if c[0] < mark.start()), default=(0, ""))[1]
        number = article_number(mark.group(1))
        title = squash(text[mark.end() - mark.start() :].split("。")[0])
        pieces.append((number, chapter, title, text.strip()))
    return pieces


def _check_basis(basis: Basis, where: str, articles: dict[str, Article], sources: dict[str, Source]) -> None:
    if basis.kind == "plan" and basis.article not in articles:
        raise ValueError(f"{where}: unknown article {basis.article}")
    if basis.kind == "public" and basis.source not in sources:
        raise ValueError(f"{where}: unknown source {basis.source}")


@cache
def load_catalog() -> Catalog:
    """Load and cross-check every catalog file (cached)."""
    plan_text = PLAN_TEXT.read_text(encoding="utf-8")
    entries = {entry.id: entry for entry in load_model(CATALOG_DIR / "articles.yaml", ArticlesFile).articles}
    articles: dict[str, Article] = {}
    for number, chapter, title, text in split_articles(plan_text):
        article_id = next((key for key in entries if article_number(key) == number), None)
        if article_id is None:
            raise ValueError(f"catalog/articles.yaml: no entry for article {number}")
        entry = entries[article_id]
        articles[article_id] = Article(
            id=article_id, number=number, chapter=chapter, title=Text(zh=title, en=entry.title_en),
            text=text, audience=entry.audience,
        )
    if len(articles) != len(entries):
        missing = sorted(set(entries) - set(articles))
        raise ValueError(f"catalog/articles.yaml: entries not found in the plan: {missing}")
    sources = {s.id: s for s in load_model(CATALOG_DIR / "sources.yaml", SourcesFile).sources}
    offices = {o.id: o for o in load_model(CATALOG_DIR / "offices.yaml", OfficesFile).offices}
    materials: dict[str, Material] = {}
    for path in sorted((CATALOG_DIR / "materials").glob("*.yaml")):
        for material in load_model(path, MaterialsFile).materials:
            if material.id in materials:
                raise ValueError(f"{path}: material id {material.id} is defined twice")
            materials[material.id] = material
    for office in offices.values():
        _check_basis(office.basis, f"catalog/offices.yaml: {office.id}", articles, sources)
    for material in materials.values():
        _check_basis(material.basis, f"catalog/materials.yaml: {material.id}", articles, sources)
        unknown = set(material.alternative_to) - set(materials)
        if unknown:
            raise ValueError(f"catalog/materials: {material.id} names unknown alternatives {sorted(unknown)}")
    return Catalog(plan_text=plan_text, articles=dict(sorted(articles.items(), key=lambda kv: kv[1].number)),
                  offices=offices, materials=materials, sources=sources)
