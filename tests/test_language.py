"""Language of the page and of its parts (WCAG 3.1.1, 3.1.2) in the repository's own site."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from opencpd.cli import main
from opencpd.core.catalog import Catalog, Doc

from .conftest_browser import REPO, BuiltSite

EXAMPLE = re.compile(r"^/{3,}\s*example\b[^\n]*\n((?:    [^\n]*\n)*)", re.MULTILINE)
EXAMPLE_LANG = re.compile(r"^\s*lang:\s*([A-Za-z-]+)", re.MULTILINE)
EXAMPLE_LANGUAGES = {"fr", "de", "es"}


def example_languages(body: str) -> list[str | None]:
    """The `lang:` of each `/// example` block in a Markdown body (None when it has none)."""
    found = []
    for match in EXAMPLE.finditer(body + "\n"):
        lang = EXAMPLE_LANG.search(match.group(1))
        found.append(lang.group(1) if lang else None)
    return found


def documents(catalog: Catalog) -> list[Doc[Any]]:
    docs: list[Doc[Any]] = []
    for module in catalog.modules:
        docs += [module, *module.sessions, *module.handouts.values(), *module.resources]
    for publication in catalog.publications:
        docs += [publication, *publication.chapters]
    return docs


class ExampleBlocks(HTMLParser):
    """The worked-example boxes of a page, each with the `lang` of the passage inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[dict[str, str | None]] = []
        self.waiting = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "worked-example" in classes:
            self.blocks.append({"box": attributes.get("data-lang"), "passage": None})
            self.waiting = True
        elif self.waiting and "example-body" in classes:
            self.blocks[-1]["passage"] = attributes.get("lang")
            self.waiting = False


def rendered_examples(html: str) -> list[dict[str, str | None]]:
    parser = ExampleBlocks()
    parser.feed(html)
    return parser.blocks


def html_file(site: Path, doc: Doc[Any]) -> Path:
    return site / doc.url / "index.html"


def test_every_page_is_in_british_english(built_repo_site: BuiltSite) -> None:
    pages = sorted(built_repo_site.folder.rglob("*.html"))
    assert len(pages) > 100
    wrong = [
        str(p.relative_to(built_repo_site.folder))
        for p in pages
        if not re.search(r'<html[^>]* lang="en-GB"', p.read_text(encoding="utf-8")[:2000])
    ]
    assert not wrong, 'pages whose <html> is not lang="en-GB":\n' + "\n".join(wrong)


def test_every_example_block_renders_in_its_language(built_repo_site: BuiltSite) -> None:
    checked = 0
    problems = []
    for doc in documents(built_repo_site.catalog):
        written = example_languages(doc.body)
        if not written:
            continue
        page = html_file(built_repo_site.folder, doc)
        rendered = rendered_examples(page.read_text(encoding="utf-8"))
        passages = [block["passage"] for block in rendered]
        for lang in written:
            if lang in passages:
                passages.remove(lang)
                checked += 1
            else:
                problems.append(
                    f"{doc.source}: an example with lang {lang!r} is not rendered "
                    f"inside an element with lang={lang!r} on {page.name} of "
                    f"{doc.url} (found {[b['passage'] for b in rendered]})"
                )
    assert not problems, "\n".join(problems)
    assert checked >= 100, f"only {checked} worked examples found in the repository's content"


def test_no_example_block_in_the_site_lacks_a_language(built_repo_site: BuiltSite) -> None:
    untagged = []
    for page in built_repo_site.folder.rglob("*.html"):
        for block in rendered_examples(page.read_text(encoding="utf-8")):
            lang = (block["passage"] or "").split("-")[0]
            # Welsh: the warm-ups in a language few participants know (phonics, writing)
            if lang not in EXAMPLE_LANGUAGES | {"cy"}:
                untagged.append(f"{page.relative_to(built_repo_site.folder)}: {block}")
    assert not untagged, "worked examples without fr, de, es (or cy):\n" + "\n".join(untagged)


def test_every_module_has_examples_in_french_german_and_spanish(built_repo_site: BuiltSite) -> None:
    catalog = built_repo_site.catalog
    assert len(catalog.modules) == 14
    missing = {}
    for module in catalog.modules:
        langs: set[str | None] = set()
        docs: list[Doc[Any]] = [module, *module.sessions, *module.handouts.values()]
        for doc in docs:
            langs.update(example_languages(doc.body))
        if EXAMPLE_LANGUAGES - langs:
            missing[module.id] = sorted(EXAMPLE_LANGUAGES - langs)
    assert not missing, f"modules without worked examples in some languages: {missing}"


def test_inline_foreign_words_keep_their_language(built_repo_site: BuiltSite) -> None:
    """`*la pomme*{lang=fr}` in a teacher's resource (untrusted, sanitised) keeps its lang."""
    page = (
        built_repo_site.folder / "modules/ks2-phonics-early-reading/resources/"
        "french-sound-swat-game/index.html"
    ).read_text(encoding="utf-8")
    assert re.search(r'<em lang="fr">oi</em>', page)
    assert re.search(r'<em lang="de">ei</em>', page)


FRENCH_SOURCE = """\
*Tu peux répéter ?*{lang=fr} English stays as typed ? *Ah bon*{lang=fr} ! `ça va ?`

/// example | Dialogue
    lang: fr

Il dit : « Bonjour, Monsieur ! » Et *toi* ? `a ?` *Key word ?*{lang=en-GB}
Qui pénètre mon cœur
?
///
"""


def test_french_passages_get_no_break_spaces_before_their_marks() -> None:
    """In French (a block's `lang` or `{lang=fr}`) the space before ? ! ; : becomes a no-break
    one, narrow before ? ! ;, as inside « »; English, code and English marked inside French
    stay as typed. With a plain space a phone's line could start with the "?"."""
    import markdown
    from opencpd.core.markdown_ext import NARROW, NO_BREAK

    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "opencpd.core.markdown_ext"])
    html = md.convert(FRENCH_SOURCE)
    assert f'<em lang="fr">Tu peux répéter{NARROW}?</em>' in html
    assert "English stays as typed ?" in html and "<code>ça va ?</code>" in html
    assert '<em lang="fr">Ah bon</em> !' in html  # the mark is English text after it
    assert f"Il dit{NO_BREAK}: «{NO_BREAK}Bonjour, Monsieur{NARROW}!{NO_BREAK}»" in html
    assert f"<em>toi</em>{NARROW}?" in html and "<code>a ?</code>" in html
    assert '<em lang="en-GB">Key word ?</em>' in html
    assert f"mon cœur{NARROW}?" in html  # a line break before the mark, too


def test_french_on_the_site_has_no_plain_space_before_a_mark(built_repo_site: BuiltSite) -> None:
    """The poem in Reading literary texts, and every French passage of every page."""
    poem = (built_repo_site.folder / "modules/ks3-reading-literary-texts/index.html").read_text(
        encoding="utf-8"
    )
    assert "Qui pénètre mon cœur\u202f?" in poem
    spaced = []
    for page in built_repo_site.folder.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for passage in re.findall(r'<(em|p|div|span|li)\b[^>]*\blang="fr"[^>]*>(.*?)</\1>', html):
            text = re.sub(r"<code>.*?</code>|<[^>]+>", "", passage[1], flags=re.S)
            if re.search(r"\w [?!;]", text):
                spaced.append(f"{page.relative_to(built_repo_site.folder)}: {text[:80]}")
    assert not spaced, "\n".join(spaced)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """The repository's content and configuration, free to change."""
    target = tmp_path / "repo"
    target.mkdir()
    shutil.copy(REPO / "mkdocs.yml", target)
    for folder in ("docs", "modules", "handbook"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def test_check_warns_about_an_example_without_a_language(content_copy: Path) -> None:
    source = content_copy / "modules/ks2-writing/module.md"
    text = source.read_text(encoding="utf-8")
    lines = text.split("\n")
    opening = next(i for i, line in enumerate(lines) if line.startswith("/// example"))
    assert lines[opening + 1].strip().startswith("lang:")
    del lines[opening + 1]
    source.write_text("\n".join(lines), encoding="utf-8")

    result = CliRunner().invoke(main, ["check", "-f", str(content_copy / "mkdocs.yml")])
    assert result.exit_code == 0, result.output  # a warning, not an error
    expected = (
        f"modules/ks2-writing/module.md:{opening + 1}:1: "
        "example-no-lang: a worked example has no language"
    )
    assert expected in result.output, result.output
    assert "1 warnings" in result.output or "1 warning" in result.output


def test_the_contribute_guide_documents_the_syntax() -> None:
    for guide in ("docs/contribute/authoring.md", "docs/contribute/share-a-resource.md"):
        text = (REPO / guide).read_text(encoding="utf-8")
        assert re.search(r"^/// example \|.*\n    lang: (fr|de|es)\n", text, re.MULTILINE), guide
        assert "{lang=fr}" in text, f"{guide} does not show how to mark a few words"


LANGUAGE_FIXTURE = Path(__file__).resolve().parent / "language_fixture"
LANGUAGE_RULES = {"english-in-lang", "unmarked-foreign"}


def language_findings_of(root: Path) -> list[str]:
    from opencpd.core.load import load_catalog
    from opencpd.core.vocabulary import load_vocabulary

    return [
        str(f) for f in load_catalog(root, load_vocabulary()).findings if f.rule in LANGUAGE_RULES
    ]


def test_check_finds_english_labels_and_unmarked_titles_in_the_planted_fixture() -> None:
    found = language_findings_of(LANGUAGE_FIXTURE)
    where = sorted(line.split(": ")[0] + ": " + line.split(": ")[1] for line in found)
    module = "modules/ks2-demo/module.md"
    assert where == sorted(
        [
            f"{module}:15:1: english-in-lang",  # *Key word: trois*{lang=fr} in a sentence
            f"{module}:20:1: english-in-lang",  # "Key word:" inside a French example
            f"{module}:29:1: unmarked-foreign",  # a block title naming the verb haben
            f"{module}:35:1: unmarked-foreign",  # German alt text with no lang
            "modules/ks2-demo/handouts/sounds.md:2:1: unmarked-foreign",  # a German title
        ]
    ), "\n".join(found)
    assert any("got 'Key word:'" in line for line in found), found
    assert any("got 'haben'" in line for line in found), found
    assert all("warning" not in line and "(expected" in line for line in found), found


def test_the_checks_leave_marked_english_and_english_titles_alone() -> None:
    from opencpd.core.frontmatter import parse
    from opencpd.core.language import language_findings

    text = (
        "---\ntitle: A counting rhyme in Spanish\n---\n"
        "/// example | Year 3: counting\n    lang: es\n\n"
        "*Year 3:*{lang=en-GB} Uno, dos, tres. El ciempiés tiene cien pies.\n///\n"
        "Say *le week-end dernier*{lang=fr} and *ich spiele*{lang=de}.\n"
        "![A poster of twelve French spellings](poster.png)\n"
    )
    assert language_findings(parse("x.md", text.encode())) == []


def test_the_repository_has_no_language_marking_findings() -> None:
    found = language_findings_of(REPO)
    assert not found, "\n".join(found)
