"""One home for wording: every fixed string of the product is a key of catalog/messages.yaml with Chinese
and English; no Chinese literal sits in Python or in a template outside the allow-list below (data the
code parses or names, and modules other work owns for now, each with its reason); no key is left unused."""

import ast
import re
import string
from pathlib import Path

from advisor.messages import load_messages, message

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]")
# Where Chinese literals may stay in Python, and why.
ALLOWED = {
    "advisor/catalog.py": "the plan's own numbering and markers, parsed from its text (一二三…十, 附件)",
    "advisor/text.py": "the CJK character class that tidies the plan's text",
    "advisor/coverage.py": "the plan's punctuation that separates its clauses",
    "advisor/rulebase.py": "a developer's message showing how the plan writes an article id (（四）)",
    "advisor/creditcode.py": "the ideographic space (U+3000) people paste into a credit code, dropped",
    "advisor/currency.py": "the names people type to reach the platform and the centre (a contact, not wording)",
    "advisor/cli/apikey.py": "a partner's name as the help's example (蓉易享)",
    "web/pages/forms.py": "units as people type them after a number (平方米), stripped when parsing",
    "web/staff/form.py": "a day as clerks type it (2026年12月3日), parsed",
    "advisor/cli/batch.py": "the batch command's summary, with the registry screening's work (below)",
    # The API's documentation (clients helper): examples carry the plan's real Chinese values.
    "web/api/models.py": "OpenAPI examples and descriptions (clients helper)",
    "web/api/questions.py": "OpenAPI examples (clients helper)", "web/api/provisions.py": "OpenAPI examples",
    "web/api/parameters.py": "the OpenAPI example: a parameter as the plan words it",
    "web/api/batches.py": "the registry screening's HTTP routes: refusals move with the files helper's work",
    "web/openapi.py": "the API's Chinese name (x-name-zh) and the plan's number", "web/app.py": "the API description",
    "web/docs.py": "the docs page's title",
    "web/middleware/bodylimit.py": "body-size refusal, ops helper's module",
}
# Registry screening: the files helper reworks advisor/batch/ now (headers, column aliases and values as
# offices write them, and its messages); its strings move to the catalog after that lands.
ALLOWED_DIRS = {"advisor/batch/": "registry screening (files helper)"}
TEMPLATE_ALLOWED = {"中文"}  # a language's name in that language (the language choice)
# Where a message's English may carry what only English readers get (the validator's own words).
EN_DETAIL = {"field_invalid", "request_invalid"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    messages = load_messages()
    assert len(messages) > 300
    for key, entry in messages.items():
        assert entry.zh.strip() and entry.en.strip(), key
        zh, en = _placeholders(entry.zh), _placeholders(entry.en)
        assert zh == en or (key in EN_DETAIL and zh <= en) or zh - {"a"} == en - {"n"}, key
        if entry.en_one:
            assert _placeholders(entry.en_one) == en, key
    assert message("plan_notice", "en", plan="P", since="2020-11-23", n=1).count("1 year ") == 1
    assert "6 years" in message("plan_notice", "en", plan="P", since="2020-11-23", n=6)


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and CJK.search(node.value)]


def test_no_chinese_literal_in_python_outside_the_allow_list() -> None:
    found = []
    for path in sorted([*ROOT.glob("advisor/**/*.py"), *ROOT.glob("web/**/*.py")]):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED or name.startswith(tuple(ALLOWED_DIRS)):
            continue
        found += [f"{name}:{line}: {text[:40]!r}" for line, text in _literals(path)]
    assert not found, "\n".join(found)
    for name in ALLOWED:
        assert (ROOT / name).exists(), name  # no stale entry


def test_templates_say_nothing_in_chinese_themselves() -> None:
    for path in sorted((ROOT / "web/templates").glob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        words = set(re.findall(r"[\u4e00-\u9fff]+", text)) - TEMPLATE_ALLOWED
        assert not words, (path.name, words)


def test_every_message_is_used() -> None:
    sources = [path.read_text(encoding="utf-8") for path in
               [*ROOT.glob("advisor/**/*.py"), *ROOT.glob("web/**/*.py"), *ROOT.glob("web/templates/*.html")]]
    code = "\n".join(sources)
    # keys made at run time: f"op_{check.op}", t('kind_' ~ f.kind), f"status_label_{status}" ...
    prefixes = set(re.findall(r"""f["']([a-z_]+_)\{""", code)) | set(re.findall(r"""["']([a-z_]+_)["']\s*~""", code))
    prefixes |= set(re.findall(r"""["']([a-z_]+_)["']\s*\+""", code))
    unused = [key for key in load_messages() if not re.search(rf"""["']{key}["']""", code)
              and not any(key.startswith(prefix) for prefix in prefixes)]
    assert not unused, unused
