"""The package as an operator installs it: a wheel, in a fresh environment, run outside the checkout.

The wheel is built with pip and installed into a new virtual environment for every supported Python
the machine has (3.11 to 3.14: the system's, pyenv's of any patch release, or one on PATH; those
missing are skipped, saying so): first durable-rules, built for that interpreter by
scripts/build-durable-rules (patched for 3.13+, kept in .wheels/ so each is built once), then the
locked dependencies (requirements.lock) and the wheel. It is run from a folder that is not the
checkout: the commands, the data files and one served request. The Docker image and the offline
wheelhouse are checked to install durable-rules the same way (no Docker engine here to build them).
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")
SUPPORTED = ("3.11", "3.12", "3.13", "3.14")  # pyproject.toml's requires-python
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def _candidates(version: str) -> list[str | None]:
    """Where python{version} may be: the system's, pyenv's (newest patch release first), then PATH."""
    pyenv = sorted(glob.glob(str(PYENV / "versions" / f"{version}.*" / "bin" / f"python{version}")),
                   key=lambda path: [int(part) if part.isdigit() else -1
                                     for part in Path(path).parents[1].name.split(".")], reverse=True)
    return [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}", *pyenv, shutil.which(f"python{version}")]


def _interpreter(version: str) -> str | None:
    """A working python{version} (a pyenv shim may point nowhere)."""
    for path in _candidates(version):
        if path and os.access(path, os.X_OK) and subprocess.run(
                [path, "-c", "import sys"], capture_output=True, timeout=60).returncode == 0:
            return path
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("qingyang_advisor-*.whl")
    return built


def test_the_wheel_holds_every_file_of_the_packages_and_their_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {"advisor": "advisor", "web": "web", "catalog": "advisor/data/catalog", "rules": "advisor/data/rules"}
    expected = {
        f"{inside}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder, inside in shipped.items()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert expected - names == set()
    assert "advisor/data/catalog/plan.txt" in names and "web/templates/results.html" in names


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(cwd), "ADVISOR_DATA_DIR": str(cwd / "data")}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _durable_rules(python: str) -> Path:
    """durable-rules built for this interpreter by scripts/build-durable-rules (or the one it built before)."""
    done = subprocess.run([str(ROOT / "scripts" / "build-durable-rules"), python, str(ROOT / ".wheels")],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    built = Path(done.stdout.split()[-1])
    assert built.name.startswith("durable_rules-2.0.28+qingyang.1-"), built
    return built


@pytest.fixture(scope="module", params=SUPPORTED)
def installed(request: pytest.FixtureRequest, wheel: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A fresh venv with the patched durable-rules, the locked dependencies and the wheel; and an empty
    working folder beside it."""
    python = _interpreter(request.param)
    if python is None:
        pytest.skip(f"no Python {request.param} on this machine")
    root = tmp_path_factory.mktemp(f"python{request.param}")
    venv, work = root / "venv", root / "work"
    work.mkdir()
    durable_rules = _durable_rules(python)
    for step in (["venv", "-q", "--python", python, str(venv)],
                 ["pip", "install", "-q", "--python", str(venv / "bin/python"), "--no-deps", str(durable_rules)],
                 ["pip", "install", "-q", "--python", str(venv / "bin/python"), "-r", str(ROOT / "requirements.lock")],
                 ["pip", "install", "-q", "--python", str(venv / "bin/python"), "--no-deps", str(wheel)],
                 ["pip", "check", "--python", str(venv / "bin/python")]):  # the lock covers the wheel's needs
        done = subprocess.run([str(UV), *step], capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"uv {' '.join(step)}: {done.stdout}{done.stderr}"
    yield venv, work


def test_the_installed_wheel_runs_outside_the_checkout(installed: tuple[Path, Path],
                                                       request: pytest.FixtureRequest) -> None:
    venv, work = installed
    where = _run(venv, work, "python", "-c", "import advisor, web, sys; from importlib.metadata import version; "
                                             "print(advisor.__file__, web.__file__); print(version('durable-rules')); "
                                             "print('%d.%d' % sys.version_info[:2])")
    assert where.returncode == 0, where.stderr
    advisor_file, web_file, durable, python = where.stdout.split()
    for module_file in (advisor_file, web_file):
        assert Path(module_file).is_relative_to(venv), where.stdout
    assert durable == "2.0.28+qingyang.1"  # the lock's pin kept the patched build
    assert python == request.node.callspec.params["installed"]
    version = _run(venv, work, "advisor", "--version")
    assert version.returncode == 0 and "0.1.0" in version.stdout
    check = _run(venv, work, "advisor", "rules", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "examples pass" in check.stdout
    shutil.copy(ROOT / "examples" / "warehouse-1200.json", work / "profile.json")
    assess = _run(venv, work, "advisor", "assess", "profile.json", "--format", "json", "--lang", "en")
    assert assess.returncode == 0, assess.stderr
    statuses = {f["id"]: f["status"] for f in json.loads(assess.stdout)["findings"]}
    assert statuses["joint-acceptance-small-industrial"] == "eligible"
    upgrade = _run(venv, work, "advisor", "db", "upgrade")  # the migrations ship too
    assert upgrade.returncode == 0, upgrade.stderr
    assert (work / "data" / "advisor.db").exists()


def test_the_installed_wheel_serves(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    port = free_port()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(work), "ADVISOR_DATA_DIR": str(work / "data")}
    log = (work / "serve.log").open("w")
    server = subprocess.Popen([str(venv / "bin" / "advisor"), "serve", "--port", str(port), "--log-level", "warning"],
                              cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", server, work / "serve.log")
        answer = httpx.post(f"{url}/api/v1/assessments", json={"profile": json.loads(
            (ROOT / "examples" / "warehouse-1200.json").read_text(encoding="utf-8")), "lang": "en"}, timeout=30)
        assert answer.status_code == 200
        assert any(f["id"] == "joint-acceptance-small-industrial" and f["status"] == "eligible"
                   for f in answer.json()["findings"])
        page = httpx.get(f"{url}/", timeout=30)  # templates and static files come from the wheel too
        assert page.status_code == 200 and "青羊惠企政策顾问" in page.text
        assert httpx.get(f"{url}/static/style.css", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continued lines joined, comments left out."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in dockerfile.splitlines()
                                              if not line.lstrip().startswith("#")))
    return [(line.split(" ", 1)[0], line.split(" ", 1)[1]) for line in joined.splitlines() if line.strip()]


def test_the_image_builds_durable_rules_with_the_script_before_the_hash_checked_lock() -> None:
    steps = _instructions((ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8"))
    stages = [i for i, (keyword, _) in enumerate(steps) if keyword == "FROM"]
    build = steps[stages[0]:stages[1]]
    copied = [source for keyword, arguments in build if keyword == "COPY" for source in arguments.split()[:-1]]
    assert "scripts/build-durable-rules" in copied
    ignored = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert all(f"!{source.rstrip('/')}" in ignored or f"!{source.rstrip('/')}/" in ignored for source in copied)
    commands = " && ".join(arguments for keyword, arguments in build if keyword == "RUN").split(" && ")
    script = next(i for i, command in enumerate(commands) if "scripts/build-durable-rules" in command)
    lock = next(i for i, command in enumerate(commands) if "--require-hashes -r requirements.lock" in command)
    assert script < lock and "pip install" in commands[script] and "--no-deps" in commands[script]
    # The image's Python is one the project supports, in both stages.
    assert re.findall(r"^ARG PYTHON_VERSION=(3\.1[1-4])$", (ROOT / "deploy" / "Dockerfile").read_text(), re.M)
    assert [arguments.split()[0] for keyword, arguments in steps if keyword == "FROM"] == \
        ["python:${PYTHON_VERSION}-slim-bookworm"] * 2


def test_the_offline_wheelhouse_recipe_builds_durable_rules_with_the_script() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploying = readme[readme.index("## Deploying"):readme.index("## Benchmarks")]
    recipe = deploying[deploying.index("isolated network"):]
    recipe = recipe[:recipe.index("```", recipe.index("```") + 3)]
    assert "scripts/build-durable-rules" in recipe and "--require-hashes -r requirements.lock" in recipe
    assert recipe.index("scripts/build-durable-rules") < recipe.index("--no-index")
