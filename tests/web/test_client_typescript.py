"""A TypeScript program typed by openapi-typescript from the live /openapi.json: it type-checks with tsc and runs.

tests/typescript/ holds the program (client.ts, calling every operation through openapi-fetch), the
generator script README shows (generate.mjs) and the npm lock; `make setup` and `make test` run `npm ci`
there. The types are generated from the served document, the program is compiled with `tsc` (strict) and
run with node against the same server, which the test then asks for the values the program printed.
"""

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "typescript"
NODE_MODULES = PROJECT / "node_modules"


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory, partner_server: tuple[str, str]) -> Path:
    """client.ts with the types generated from the live server, in a folder of its own (not yet compiled)."""
    assert (NODE_MODULES / ".bin" / "tsc").exists(), "run `make setup` (npm ci in tests/typescript) first"
    folder = tmp_path_factory.mktemp("typescript")
    for name in ("client.ts", "tsconfig.json"):
        shutil.copy(PROJECT / name, folder / name)
    (folder / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (folder / "node_modules").symlink_to(NODE_MODULES)
    done = subprocess.run(["node", str(PROJECT / "generate.mjs"), f"{partner_server[0]}/openapi.json",
                           "schema.d.ts"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def _tsc(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NODE_MODULES / ".bin" / "tsc"), "-p", str(folder)], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def run(program: Path, partner_server: tuple[str, str]) -> dict[str, Any]:
    """The program compiled by tsc and run against the server: what it printed."""
    compiled = _tsc(program)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    url, key = partner_server
    done = subprocess.run(["node", str(program / "out" / "client.js"), url, key], cwd=program, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _spoil(source: str, old: str, new: str) -> tuple[str, int]:
    """`source` with the first `old` replaced by `new`, and the number of the line it is on."""
    index = source.index(old)
    return source[:index] + new + source[index + len(old):], source.count("\n", 0, index) + 1


def test_the_generated_types_are_the_schemas_not_any(program: Path, tmp_path: Path) -> None:
    """The program with text for a number, a project type no question offers and a misspelt operation is
    refused by tsc at exactly those lines (client.ts's own @ts-expect-error lines say the same)."""
    wrong = tmp_path / "wrong"
    shutil.copytree(program, wrong, symlinks=True)
    source = (wrong / "client.ts").read_text(encoding="utf-8")
    spoilt = set()
    for old, new in (("floor_area_m2: -5", 'floor_area_m2: "-5"'), ('type: "warehouse"', 'type: "castle"'),
                     ('note("readyz"', 'note("readiness"')):
        source, line = _spoil(source, old, new)
        spoilt.add(line)
    (wrong / "client.ts").write_text(source, encoding="utf-8")
    compiled = _tsc(wrong)
    assert compiled.returncode != 0
    assert {int(line) for line in re.findall(r"client\.ts\((\d+),\d+\): error", compiled.stdout)} == spoilt, \
        compiled.stdout


def test_the_program_reads_what_the_server_answers(run: dict[str, Any], partner_server: tuple[str, str]) -> None:
    url, key = partner_server
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as http:
        health = http.get("/healthz").json()
        document = http.post("/api/v1/assessments", json={"profile": run_profile(), "lang": "en"}).json()
        question = http.get("/api/v1/provisions/joint-acceptance-small-industrial").json()
    assert run["rulebase_version"] == health["rulebase_version"]
    assert run["counts"] == document["counts"] and run["joint_status"] == "eligible"
    assert run["problem"] == {"status": 422, "errors": [{"path": "project.floor_area_m2",
                                                         "message": "must be at least 0"}]}
    assert run["etag"].startswith('W/"') and run["revalidated"] == {"status": 304, "body": None}
    assert run["provision_title"] == question["title"]
    assert run["area_unit"] == "m²" and len(run["next_questions"]) == 3
    assert "project" in run["schema_sections"] and run["unauthorized"] == 401


def run_profile() -> dict[str, Any]:
    """The warehouse client.ts assesses."""
    return {"project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                        "low_risk": True, "floor_area_m2": 1200, "small_scale": True}}


def test_the_program_uploads_a_registry_and_reads_its_results(run: dict[str, Any]) -> None:
    batch = run["batch"]
    assert batch["state"] == "done" and (batch["rows"], batch["screened"], batch["failed"]) == (2, 2, 0)
    assert batch["location"] == batch["status_url"]
    rows = {row["id"]: row["eligible"].split() for row in csv.DictReader(io.StringIO(run["results"]))}
    assert list(rows) == ["W-1200", "W-2400"]
    assert "joint-acceptance-small-industrial" in rows["W-1200"]
    assert "joint-acceptance-small-industrial" not in rows["W-2400"]  # over 1,500 m²


def test_the_program_simulates_a_reform_and_reads_the_parameters(run: dict[str, Any]) -> None:
    simulation = run["simulation"]
    assert (simulation["state"], simulation["rows"], simulation["as_of"]) == ("done", 3, "2027-01-01")
    assert simulation["joint_gain"] == 1 and simulation["losses"] == 0  # the 1,800 m² warehouse only
    assert {row["id"] for row in csv.DictReader(io.StringIO(run["changes"]))} == {"W-1800"}
    assert run["area_limit"] == {"unit": "m2", "history": [["2020-11-23", 1500]]}


def test_the_program_calls_every_operation_of_the_document(run: dict[str, Any],
                                                           partner_server: tuple[str, str]) -> None:
    spec = httpx.get(f"{partner_server[0]}/openapi.json", timeout=30).json()
    assert set(run["called"]) == {operation["operationId"] for methods in spec["paths"].values()
                                  for operation in methods.values()}
    statuses = {operation: sorted(set(codes)) for operation, codes in run["called"].items()}
    assert statuses["createAssessment"] == [200, 422] and statuses["listProvisions"] == [200, 304]
    assert statuses["listQuestions"] == [200, 401] and statuses["createBatch"] == statuses["createSimulation"] == [202]
    assert all(codes == [200] for name, codes in statuses.items()
               if name not in ("createAssessment", "listProvisions", "listQuestions", "createBatch",
                               "createSimulation"))
