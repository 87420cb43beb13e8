"""The package as an operator installs it: a wheel, in a fresh environment, run outside the checkout.

The wheel is built with pip, installed with its locked dependencies (requirements.lock) into a new
virtual environment per Python version the machine has (3.11 always; 3.12 where found), and run
from a folder that is not the checkout: the commands, the data files and one served request.
"""

import glob
import json
import os
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
# Where each supported interpreter may be: the system's, then pyenv's.
INTERPRETERS = {version: [f"/usr/bin/python{version}", *sorted(glob.glob(f"/root/.pyenv/versions/{version}.*/bin/"
                                                                            f"python{version}"))]
                for version in ("3.11", "3.12")}


def _interpreter(version: str) -> str | None:
    """A working python{version}: the system's, pyenv's, or one on PATH (a pyenv shim may point nowhere)."""
    for path in [*INTERPRETERS[version], shutil.which(f"python{version}")]:
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


@pytest.fixture(scope="module", params=["3.11", "3.12"])
def installed(request: pytest.FixtureRequest, wheel: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A fresh venv with the locked dependencies and the wheel; and an empty working folder beside it."""
    python = _interpreter(request.param)
    if python is None:
        pytest.skip(f"no Python {request.param} on this machine")
    root = tmp_path_factory.mktemp(f"python{request.param}")
    venv, work = root / "venv", root / "work"
    work.mkdir()
    for step in (["venv", "-q", "--python", python, str(venv)],
                 ["pip", "install", "-q", "--python", str(venv / "bin/python"), "-r", str(ROOT / "requirements.lock")],
                 ["pip", "install", "-q", "--python", str(venv / "bin/python"), "--no-deps", str(wheel)],
                 ["pip", "check", "--python", str(venv / "bin/python")]):  # the lock covers the wheel's needs
        done = subprocess.run([str(UV), *step], capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"uv {' '.join(step)}: {done.stdout}{done.stderr}"
    yield venv, work


def test_the_installed_wheel_runs_outside_the_checkout(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    where = _run(venv, work, "python", "-c", "import advisor, web, sys; print(advisor.__file__, web.__file__); "
                                             "print(sys.version_info[:2])")
    assert where.returncode == 0, where.stderr
    for module_file in where.stdout.split()[:2]:
        assert Path(module_file).is_relative_to(venv), where.stdout
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
