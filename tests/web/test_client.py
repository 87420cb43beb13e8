"""A client generated from /openapi.json by openapi-python-client works, errors included, all typed.

This is what the 蓉易享 platform does: generate a client from the served document, then call the
API with typed objects and read typed answers, including the problem documents of 422 and 401.
"""

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from fastapi import FastAPI

from advisor.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.anyio
PACKAGE = "qingyang_client"


@pytest.fixture(scope="module")
def generated(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("client")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(app.openapi(), ensure_ascii=False), encoding="utf-8")
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run([str(generator), "generate", "--path", str(spec), "--output-path",
                           str(folder / PACKAGE), "--meta", "none"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # every schema understood: nothing left untyped
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _client(generated: ModuleType, app: FastAPI):  # type: ignore[no-untyped-def]
    """The generated Client, talking to `app` through its ASGI interface."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return generated.Client(base_url="http://test").set_async_httpx_client(http)


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def test_a_typed_assessment(generated: ModuleType, app: FastAPI) -> None:
    models = _module("models")
    create_assessment = _module("api.assessments.create_assessment")
    project = models.ProjectSection(in_qingyang=True, has_project=True,
                                    funding=models.ProjectSectionFundingType0.ENTERPRISE,
                                    type_=models.ProjectSectionTypeType0.WAREHOUSE, low_risk=True,
                                    floor_area_m2=1200, small_scale=True)
    body = models.AssessmentRequest(profile=models.Profile(project=project),
                                    lang=models.AssessmentRequestLangType0.EN)
    response = await create_assessment.asyncio_detailed(client=_client(generated, app), body=body)
    assert response.status_code == 200
    document = response.parsed
    assert isinstance(document, models.AssessmentDocument)
    joint = next(f for f in document.findings if f.id == "joint-acceptance-small-industrial")
    assert joint.status == models.FindingStatus.ELIGIBLE
    assert joint.quote.startswith("推行验收登记同步办理")
    assert document.counts.additional_properties["eligible"] >= 1


async def test_a_typed_catalog(generated: ModuleType, app: FastAPI) -> None:
    models = _module("models")
    list_provisions = _module("api.provisions.list_provisions")
    list_questions = _module("api.questions.list_questions")
    client = _client(generated, app)
    provisions = await list_provisions.asyncio(client=client, article="（四）")
    assert isinstance(provisions, models.ProvisionList)
    assert all(p.article == "（四）" for p in provisions.provisions) and provisions.provisions
    questions = await list_questions.asyncio(client=client)
    assert isinstance(questions, models.QuestionCatalogDocument)
    area = next(q for q in questions.questions if q.field == "project.floor_area_m2")
    assert area.unit is not None and area.unit.en == "m²"


async def test_a_422_problem_names_the_field(generated: ModuleType, app: FastAPI) -> None:
    models = _module("models")
    create_assessment = _module("api.assessments.create_assessment")
    body = models.AssessmentRequest(profile=models.Profile(project=models.ProjectSection(floor_area_m2=-5)),
                                    lang=models.AssessmentRequestLangType0.EN)
    response = await create_assessment.asyncio_detailed(client=_client(generated, app), body=body)
    assert response.status_code == 422
    problem = response.parsed
    assert isinstance(problem, models.Problem)
    assert problem.status == 422 and problem.title == "Invalid input"
    assert [(e.path, e.message) for e in problem.errors] == [("project.floor_area_m2", "must be at least 0")]


async def test_a_401_problem_without_a_key(generated: ModuleType) -> None:
    models = _module("models")
    list_provisions = _module("api.provisions.list_provisions")
    guarded = create_app(Settings(api_keys_required=True))
    response = await list_provisions.asyncio_detailed(client=_client(generated, guarded))
    assert response.status_code == 401
    problem = response.parsed
    assert isinstance(problem, models.Problem) and problem.status == 401
    assert "X-API-Key" in problem.detail
