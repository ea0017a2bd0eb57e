"""The broken-content corpus: each tests/broken/<case>/ holds a small content tree with one
problem, and expected.yml the findings `opencpd check` must report for it (path, line, rule)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from opencpd.core.findings import Finding
from opencpd.core.load import load_catalog
from opencpd.core.vocabulary import load_vocabulary

from .conftest import FIXTURE_SITE

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(p for p in BROKEN.iterdir() if (p / "expected.yml").is_file())

# path:line:col: rule: message (expected X, got Y). Hint.  A list of allowed values is
# itself comma-separated, so "expected one of A, B; got C" is accepted too.
WORDING = re.compile(r"^[^:]+:\d+:\d+: [a-z0-9-]+: .+\(expected .+[,;] got .+\)\. .+")
NOT_WORDED: dict[str, str] = {}  # rule -> why its findings are not yet worded that way


def expected(case: Path) -> dict[str, Any]:
    return yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8"))


def params(with_wording: bool = False) -> list[Any]:
    out = []
    for case in CASES:
        spec = expected(case)
        reasons = [spec["xfail"]] if spec.get("xfail") else []
        if with_wording:
            reasons += sorted(
                {NOT_WORDED[f["rule"]] for f in spec["findings"] if f["rule"] in NOT_WORDED}
            )
        marks = [pytest.mark.xfail(reason=" ".join(reasons), strict=True)] if reasons else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def findings(case: Path) -> list[Finding]:
    return load_catalog(case, load_vocabulary()).findings


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 32


@pytest.mark.parametrize("case", params())
def test_findings(case: Path) -> None:
    spec = expected(case)
    found = findings(case)
    assert sorted((f.path, f.line, f.rule) for f in found) == sorted(
        (e["path"], e["line"], e["rule"]) for e in spec["findings"]
    ), "\n".join(map(str, found))
    for want in spec["findings"]:
        got = next(
            (
                f
                for f in found
                if (f.path, f.line, f.rule) == (want["path"], want["line"], want["rule"])
                and want.get("message", "") in f.message
            ),
            None,
        )
        assert got is not None, f"no finding with {want} among:\n" + "\n".join(map(str, found))
        if "column" in want:
            assert got.column == want["column"], str(got)
        assert want.get("hint", "") in got.hint, str(got)
        assert got.severity == want.get("severity", "error"), str(got)


@pytest.mark.parametrize("case", params(with_wording=True))
def test_findings_are_worded_path_line_rule_expected_got_hint(case: Path) -> None:
    found = findings(case)
    assert found
    for finding in found:
        assert WORDING.match(str(finding)), str(finding)


def test_every_rule_in_the_corpus_is_a_known_kind() -> None:
    rules = {f["rule"] for case in CASES for f in expected(case)["findings"]}
    assert {
        "yaml-syntax",
        "no-front-matter",
        "not-utf8",
        "duplicate-key",
        "missing-field",
        "unknown-field",
        "bad-value",
        "wrong-type",
        "id-mismatch",
        "duplicate-id",
        "agenda-total",
        "missing-file",
        "unknown-module",
        "empty-body",
        "example-no-lang",
    } <= rules


def test_the_fixture_site_has_no_findings() -> None:
    assert load_catalog(FIXTURE_SITE, load_vocabulary()).findings == []


def test_a_resource_submitted_on_a_day_to_come_is_not_published() -> None:
    catalog = load_catalog(BROKEN / "46-future-submitted", load_vocabulary())
    assert [m.id for m in catalog.modules] == ["ks2-demo"]
    assert catalog.modules[0].resources == []


@pytest.mark.parametrize("module_id", ["ks3-reading", "first-module"])
def test_a_module_folder_whose_name_is_no_id_says_so(tmp_path: Path, module_id: str) -> None:
    """modules/First-Module got only 'id-mismatch' (make the id and the folder name the
    same), though no id may be 'First-Module': nothing said the folder's name was the thing
    to change, nor to what. Then 'bad-name' said so, but beside it 'id-mismatch' still asked
    for the id 'First-Module', which no module may have, even when the id was already the name
    to give the folder: bad-name alone says to rename the folder and give the id the same."""
    import shutil

    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    folder = root / "modules" / "First-Module"
    (root / "modules" / "ks3-reading").rename(folder)
    page = (folder / "module.md").read_text(encoding="utf-8")
    assert "\nid: ks3-reading\n" in page
    page = page.replace("\nid: ks3-reading\n", f"\nid: {module_id}\n")
    (folder / "module.md").write_text(page, encoding="utf-8")
    found = load_catalog(root, load_vocabulary()).findings
    assert [(f.path, f.line, f.rule) for f in found] == [
        ("modules/First-Module/module.md", 1, "bad-name")
    ], found
    text = str(found[0])
    assert WORDING.match(text), text
    assert "(expected lower-case letters, digits and hyphens, e.g. first-module; got " in text
    assert "Rename the folder modules/First-Module/ to modules/first-module/ and give the " in text
    assert "module the same id" in text


def test_a_publication_folder_whose_name_is_no_id_says_so(tmp_path: Path) -> None:
    """handbook/Bridge-Toolkit got only 'id-mismatch' asking for the id 'Bridge-Toolkit', which
    no publication may have: as a module's folder, it gets 'bad-name', saying what to rename it
    to and to give the id the same."""
    import shutil

    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    (root / "handbook" / "bridge-toolkit").rename(root / "handbook" / "Bridge-Toolkit")
    found = load_catalog(root, load_vocabulary()).findings
    assert [(f.path, f.line, f.rule) for f in found] == [
        ("handbook/Bridge-Toolkit/publication.md", 1, "bad-name")
    ], found
    text = str(found[0])
    assert WORDING.match(text), text
    assert "(expected lower-case letters, digits and hyphens, e.g. bridge-toolkit; got " in text
    assert "Rename the folder handbook/Bridge-Toolkit/ to handbook/bridge-toolkit/ and " in text
    assert "give the publication the same id" in text
