"""The Docker image installs the runtime only: requirements.lock holds exactly what the app needs, the test and
development tools are in requirements-dev.lock (which ./dev.sh installs)."""

import importlib.metadata
import re
import tomllib

from packaging.requirements import Requirement

from tests.test_settings import ROOT


def _name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(filename):
    pins = {}
    for line in (ROOT / filename).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _needed(requirements):
    """Every distribution the given requirements pull in, with their extras (as installed in this venv)."""
    seen, todo = set(), [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if _name(req.name) in seen:
            continue
        seen.add(_name(req.name))
        for sub in map(Requirement, importlib.metadata.requires(req.name) or []):
            extras = req.extras | {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(sub)
    return seen


def test_the_runtime_lock_holds_what_the_app_needs_and_no_test_tool():
    runtime = _lock("requirements.lock")
    assert set(runtime) == _needed(_pyproject()["dependencies"])
    dev_tools = {_name(Requirement(r).name) for r in _pyproject()["optional-dependencies"]["dev"]}
    assert not dev_tools & set(runtime)
    for requirement in map(Requirement, _pyproject()["dependencies"]):
        assert requirement.specifier.contains(runtime[_name(requirement.name)]), requirement


def test_the_dev_lock_adds_the_test_tools_on_top_of_the_runtime():
    dev_lock = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in dev_lock.splitlines()
    dev = _lock("requirements-dev.lock")
    dev_requirements = _pyproject()["optional-dependencies"]["dev"]
    assert set(dev) == _needed(dev_requirements) - set(_lock("requirements.lock"))
    for requirement in map(Requirement, dev_requirements):
        assert requirement.specifier.contains(dev[_name(requirement.name)]), requirement


def test_the_image_installs_the_runtime_lock_only_and_dev_sh_everything():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile and "requirements-dev" not in dockerfile
    assert "pip install --quiet -r requirements-dev.lock" in (ROOT / "dev.sh").read_text()
