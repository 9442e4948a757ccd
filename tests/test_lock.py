"""constraints.txt, the versions a release is tested with, against pyproject.toml and against this venv.

install.sh installs with the lock as pip constraints; `./install.sh --update-lock` regenerates it. These tests
fail when pyproject.toml changed without the lock, when the lock pins a version pyproject refuses (a
known-bad release), when something the project pulls in is not pinned, or when the venv drifted from it.
"""
from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")


def read_lock() -> dict[str, str]:
    """Canonical name → pinned version; every line that is not a comment must be an exact pin."""
    pins: dict[str, str] = {}
    for n, line in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"constraints.txt line {n} is not NAME==VERSION: {line!r}"
        name = canonicalize_name(m.group(1))
        assert name not in pins, f"constraints.txt pins {name} twice"
        pins[name] = m.group(2)
    return pins


def project_requirements() -> list[Requirement]:
    """The runtime dependencies and the dev extra of pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def applies(req: Requirement, extras: set[str]) -> bool:
    """Whether a requirement's marker holds here for the extras asked of its parent."""
    if req.marker is None:
        return True
    env = default_environment()
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def needed() -> dict[str, list[Requirement]]:
    """Every distribution the project pulls in here (runtime, dev, transitively), with what asks for it."""
    wanted: dict[str, list[Requirement]] = {}
    extras_of: dict[str, set[str]] = {}
    todo = list(project_requirements())
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        first = name not in wanted
        wanted.setdefault(name, []).append(req)
        new_extras = set(req.extras) - extras_of.get(name, set())
        if not first and not new_extras:
            continue
        extras_of.setdefault(name, set()).update(req.extras)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # reported by the venv test
        for text in requires:
            sub = Requirement(text)
            if applies(sub, extras_of[name]):
                todo.append(sub)
    return wanted


def test_every_requirement_of_pyproject_is_pinned_at_a_version_it_accepts() -> None:
    pins = read_lock()
    for req in project_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"pyproject.toml needs {req}, constraints.txt does not pin it: ./install.sh --update-lock"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, pyproject.toml asks {req}: ./install.sh --update-lock"


def test_the_lock_holds_everything_the_project_pulls_in() -> None:
    pins = read_lock()
    wanted = needed()
    assert {"pyside6-essentials", "shiboken6", "uvicorn", "uvloop", "pytest"} <= set(wanted)  # the walk walks
    missing = sorted(n for n in wanted if n not in pins)
    assert not missing, f"constraints.txt does not pin {missing}: ./install.sh --update-lock"
    for name, reqs in wanted.items():
        for req in reqs:
            assert req.specifier.contains(pins[name], prereleases=True), f"{req} refuses the pinned {pins[name]}"
    assert "pip" in pins  # install.sh brings the venv's pip to the tested version first


def test_this_venv_is_installed_from_the_lock() -> None:
    pins = read_lock()
    drift = {}
    for name in [*needed(), "pip"]:
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = None
        if have != pins[name]:
            drift[name] = (have, pins[name])
    assert not drift, f"installed vs pinned: {drift}; run ./install.sh --dev"


def test_known_bad_releases_are_excluded() -> None:
    reqs = {canonicalize_name(r.name): r for r in project_requirements()}
    for name in ("pyside6-essentials", "pyside6-addons"):
        # 6.12 on Python 3.11 drops a reference to None on every void Qt call: long-running devices abort.
        assert not reqs[name].specifier.contains("6.12.0") and not reqs[name].specifier.contains("6.12.1")
    pins = read_lock()
    assert pins["pyside6-essentials"] == pins["pyside6-addons"] == pins["shiboken6"]  # one Qt release
