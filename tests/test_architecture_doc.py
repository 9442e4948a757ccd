"""docs/ARCHITECTURE.md stays true to the code: every rule a comment cites is there, no comment cites the
design notes that are not in the repository, and the README's layout table names every folder of the tree."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("motcua", "sync", "printer_drivers", "scanners", "ui", "kiosk", "counter_display", "diagnostics", "demo",
        "bench", "tests", "docs")


def sources() -> list[Path]:
    return [p for d in CODE for p in (ROOT / d).rglob("*.py") if p != Path(__file__).resolve()]


def test_every_cited_rule_is_in_the_architecture() -> None:
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rules = {int(n) for n in re.findall(r"^(\d+)\. \*\*", doc.split("## Rules the code stands on")[1], re.M)}
    assert rules == set(range(1, len(rules) + 1)) and len(rules) >= 10
    cited: dict[int, list[str]] = {}
    for path in sources():
        for n in re.findall(r"ARCHITECTURE rule (\d+)", path.read_text(encoding="utf-8")):
            cited.setdefault(int(n), []).append(path.relative_to(ROOT).as_posix())
    assert cited, "no comment cites a rule: the search is broken"
    assert set(cited) <= rules, {n: where for n, where in cited.items() if n not in rules}


def test_no_comment_cites_the_design_notes_outside_the_repository() -> None:
    stale = [p.relative_to(ROOT).as_posix() for p in sources()
             if re.search(r"DESIGN(\.md| rule)", p.read_text(encoding="utf-8"))]
    assert stale == []


def test_every_cited_domain_section_is_in_the_domain_facts() -> None:
    # Comments cite docs/DOMAIN.md by its section titles ("Counting the processing time", …).
    doc = (ROOT / "docs" / "DOMAIN.md").read_text(encoding="utf-8")
    titles = re.findall(r"^## (.+)$", doc, re.M)
    cited = {m: p.relative_to(ROOT).as_posix() for p in sources()
             for m in re.findall(r'DOMAIN\.md[\'s]* "([^"]+)"', p.read_text(encoding="utf-8"))}
    assert cited, "no comment cites a section: the search is broken"
    missing = {m: where for m, where in cited.items() if not any(t.startswith(m) for t in titles)}
    assert missing == {}


def test_the_readme_layout_names_every_folder() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)/`", table))
    # The folders the repository holds (not what a run left in a checkout: demo-out/, .venv/).
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    folders = {line.split("/", 1)[0] for line in tracked.splitlines() if "/" in line}
    folders = {f for f in folders if not f.startswith(".")}
    assert folders - named == set(), "folders missing from the README's layout"
    assert named - folders == set(), "the README's layout names folders that do not exist"
