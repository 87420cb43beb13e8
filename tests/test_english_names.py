"""English texts name Chinese products, platforms and programmes in English first, with the Chinese in
brackets: "the Tax Relief Cloud Loan (减税云贷)", never a bare "减税云贷" an English reader cannot say or
look up. Checked over every `en` text of the rules and the catalog, and over an English assessment
from the API."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
OPENING, CLOSING = "(（", ")）"
# What may stand just before "(中文)": the end of an English word, a number, or a closing quote.
ENGLISH_BEFORE = re.compile(r"[A-Za-z0-9'\"’”]\s*$")
# English texts that are Chinese on purpose: the language choice names Chinese in Chinese.
OWN_NAME = {"messages.yaml/switch.en"}
DATA = sorted([*ROOT.glob("rules/*.yaml"), *ROOT.glob("catalog/*.yaml"), *ROOT.glob("catalog/materials/*.yaml")])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def bare_chinese(text: str) -> list[str]:
    """The Chinese runs of an English text not given as "English (中文…)": outside brackets, in brackets
    that open with English ("(e.g. on 蓉易办)"), or in brackets with no English before them."""
    bare = []
    for run in CJK.finditer(text):
        depth, opening = 0, None
        for index in range(run.start() - 1, -1, -1):  # the innermost bracket still open at the run
            if text[index] in CLOSING:
                depth += 1
            elif text[index] in OPENING:
                if depth == 0:
                    opening = index
                    break
                depth -= 1
        if opening is None:
            bare.append(run.group())
            continue
        opens_chinese = not re.search(r"[A-Za-z]", text[opening + 1:CJK.search(text, opening).start()])
        if not opens_chinese or not ENGLISH_BEFORE.search(text[:opening]):
            bare.append(run.group())
    return bare


def english_texts(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every English text of a YAML document: `en` values and the articles' `title_en`, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("en", "title_en") and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                name = node.get("id", "") if isinstance(node.get("id"), str) else ""
                yield from english_texts(value, f"{where}/{name or key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from english_texts(item, f"{where}[{index}]")


def test_the_check_knows_a_rendering_from_a_bare_name() -> None:
    assert bare_chinese("the Tax Relief Cloud Loan (减税云贷) and 'standard land' ('标准地')") == []
    assert bare_chinese("Article （二） says so; Five platforms: Kechuangtong (科创通), Nongdaitong (农贷通)") == []
    assert bare_chinese("products such as 减税云贷") == ["减税云贷"]
    assert bare_chinese("apply online (e.g. on 蓉易办)") == ["蓉易办"]
    assert bare_chinese("(政采贷) first") == ["政采贷"]
    assert bare_chinese("so '1,500 m² or less' (1500平方米以下) counts") == []
    assert bare_chinese("loans: 政采贷, 科创贷") == ["政采贷", "科创贷"]


@pytest.mark.parametrize("path", DATA, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_english_text_leaves_a_chinese_name_bare(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"{where}: {', '.join(names)} in {text!r}" for where, text in english_texts(document, path.name)
                if where not in OWN_NAME and (names := bare_chinese(text))]
    assert not problems, "\n".join(problems)


@pytest.mark.anyio
async def test_an_english_assessment_names_every_product_in_english() -> None:
    """The tech SME's assessment in English, from the API: every finding's title, benefit and notes, every
    public fact and office, render the Chinese names of loans and platforms."""
    from web.app import create_app

    profile = json.loads((ROOT / "examples" / "tech-ip-financing.json").read_text(encoding="utf-8"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://test") as client:
        response = await client.post("/api/v1/assessments", json={"profile": profile, "lang": "en", "view": "expanded"})
    assert response.status_code == 200, response.text
    document = response.json()
    texts = []
    for finding in document["findings"]:
        texts += [finding["title"], finding["benefit"], *finding["notes"]]
        texts += [fact["says"] for fact in finding.get("public_facts", [])]
        texts += [office["name"] for office in finding["handled_by"] + finding["channels"]]
    assert any("(减税云贷)" in text for text in texts) and any("(政采贷)" in text for text in texts)
    problems = [f"{', '.join(names)} in {text!r}" for text in texts if (names := bare_chinese(text))]
    assert not problems, "\n".join(problems)
