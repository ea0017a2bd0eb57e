"""A problem in mkdocs.yml is told at its line: `mkdocs.yml:line:column: ...`, the value's place
when the value is wrong, the key's when the key is (a misspelt name), the entry above when the
setting is missing; the file alone when the line cannot be found, never a traceback. Each is
read by real MkDocs, through `opencpd check`, `opencpd build` and MkDocs' own loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ExpectedWarnings
from .test_bad_input import assert_config_refused, assert_refused, run


def edited(site: Path, old: str, new: str) -> Path:
    """`site`'s mkdocs.yml with `old` (written once in it) replaced by `new`."""
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    config.write_text(text.replace(old, new), encoding="utf-8")
    return config


def line_of(config: Path, written: str) -> tuple[int, int]:
    """The line and column where `written` starts in the file (its first)."""
    for number, line in enumerate(config.read_text(encoding="utf-8").splitlines(), 1):
        if written in line:
            return number, line.index(written) + 1
    raise AssertionError(written)


@pytest.mark.parametrize(
    ("old", "new", "at", "said"),
    [
        (  # the value is wrong: its place
            'start_time: "16:00"',
            'start_time: "25:99"',
            '"25:99"',
            "Config value 'plugins': Plugin 'opencpd' option 'start_time': expected a 24-hour",
        ),
        (
            "name: !ENV [OPENCPD_STACK, material]",
            "name: nosuchtheme",
            "nosuchtheme",
            "Config value 'theme': Unrecognised theme name: 'nosuchtheme'",
        ),
        (
            "  - pymdownx.details\n",
            "  - pymdownx.details\n  - pymdownx.nosuch\n",
            "pymdownx.nosuch",
            "Config value 'markdown_extensions': Failed to load extension 'pymdownx.nosuch'",
        ),
        (
            "docs_dir: docs",
            "docs_dir: nowhere",
            "nowhere",
            "Config value 'docs_dir': The path",
        ),
        (
            "site_url: https://opencpd.example.org/",
            "site_url: 12",
            "12",
            "Config value 'site_url': Expected a string",
        ),
        (  # a plugin that is not there: its entry
            "  - macros:",
            "  - nosuchplugin\n  - macros:",
            "nosuchplugin",
            "Config value 'plugins': The \"nosuchplugin\" plugin is not installed",
        ),
        (  # required and missing: where the file's settings start
            "site_name: OpenCPD test site\n",
            "",
            "site_description",
            "Config value 'site_name': Required configuration not provided.",
        ),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_setting_mkdocs_refuses_is_named_at_its_line(
    site_copy: Path,
    warnings_log: ExpectedWarnings,
    command: str,
    old: str,
    new: str,
    at: str,
    said: str,
) -> None:
    config = edited(site_copy, old, new)
    line, column = line_of(config, at)
    assert_config_refused(site_copy, command, f"{config}:{line}:{column}: {said}", warnings_log)


def test_a_second_instance_of_the_plugin_is_named_not_the_first(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    from mkdocs.config.defaults import MkDocsConfig

    config = edited(
        site_copy,
        'start_time: "16:00"\n',
        'start_time: "16:00"\n  - opencpd:\n      start_time: "33:00"\n',
    )
    said = f"{config}:18:19: Config value 'plugins': Plugin 'opencpd' option 'start_time'"
    warnings_log.expect(re.escape(said))
    result = run(site_copy, "check")
    plugins = dict(MkDocsConfig._schema)["plugins"]
    plugins.reset_warnings()  # MkDocs keeps the failed option's warning ("specified multiple
    # times") on its schema, for the next file read in this process: not this test's business
    assert_refused(result, said)


def test_a_misspelt_name_is_told_at_the_key_and_fails_check_strict(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    config = edited(site_copy, "docs_dir: docs\n", "docs_dir: docs\nsite_dirr: out\n")
    config = edited(site_copy, 'start_time: "16:00"', 'start_time: "16:00"\n      vocabulery: x')
    top = f"{config}:5:1: Config value 'site_dirr': Unrecognised configuration name: site_dirr"
    option = (
        f"{config}:18:7: Config value 'plugins': Plugin 'opencpd' option 'vocabulery': "
        "Unrecognised configuration name: vocabulery"
    )
    warnings_log.expect(re.escape(top))
    warnings_log.expect(re.escape(option))
    result = run(site_copy, "check")
    assert result.exit_code == 0, result.output
    assert top in result.output and option in result.output, result.output
    assert_refused(run(site_copy, "check", "--strict"), top, option)
    assert_refused(run(site_copy, "build"), "configuration warnings in 'strict' mode")
    assert top in warnings_log.handler.messages, warnings_log.handler.messages


def test_warnings_before_a_configuration_error_are_shown_by_check(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """MkDocs logs its warnings, then its errors, then stops: check shows both."""
    config = edited(site_copy, "docs_dir: docs\n", "docs_dir: nowhere\nsite_dirr: out\n")
    warnings_log.expect(re.escape(f"{config}:"))
    result = run(site_copy, "check")
    assert_refused(result, f"{config}:5:1: Config value 'site_dirr'", f"{config}:4:11:")


def test_a_plain_mkdocs_load_names_the_line_too(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    """MkDocs' own loader, as `mkdocs build` runs it: the plugin, once read, places them."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = edited(site_copy, 'start_time: "16:00"', "start_time: 4pm")
    said = f"{config}:16:19: Config value 'plugins': Plugin 'opencpd' option 'start_time'"
    warnings_log.expect(re.escape(said))
    with pytest.raises(Abort):
        load_config(str(config))
    assert any(m.startswith(said) for m in warnings_log.handler.messages)


@pytest.mark.parametrize(
    ("old", "new", "at", "problem"),
    [
        ("site_name: OpenCPD test site", "site_name: CPD: the site", "1:15", "mapping values"),
        ("  - toc:\n", "  - toc: [a\n", "27:16", "expected ',' or ']'"),
        ("site_name: OpenCPD test site", "site_name: !foo x", "1:12", "the tag '!foo'"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_mkdocs_yml_that_is_no_yaml_is_named_at_its_line(
    site_copy: Path, command: str, old: str, new: str, at: str, problem: str
) -> None:
    config = edited(site_copy, old, new)
    result = run(site_copy, command)
    assert_refused(result, f"Error: {config}:{at}: the file cannot be read (expected settings")
    assert problem in result.output, result.output


def test_an_output_folder_named_in_mkdocs_yml_is_refused_at_its_line(site_copy: Path) -> None:
    config = edited(site_copy, "docs_dir: docs\n", "docs_dir: docs\nsite_dir: modules\n")
    assert_refused(run(site_copy, "build"), f"{config}:5:11: the output would replace")
    result = run(site_copy, "build", "-d", str(site_copy / "docs"))  # -d: no line of the file
    assert_refused(result, "the output would replace", "from -d/--site-dir")
    assert f"{config}:" not in result.output


def test_a_nav_entry_of_no_page_is_named_at_its_line(
    site_copy: Path, warnings_log: ExpectedWarnings
) -> None:
    config = edited(site_copy, "About: about.md", "About: nowhere.md")
    said = f"{config}:34:12: A reference to 'nowhere.md' is included in the 'nav' configuration"
    warnings_log.expect(re.escape(said))
    assert_refused(run(site_copy, "build"), "stopped on 1 problem")
    assert any(m.startswith(said) for m in warnings_log.handler.messages)


def test_site_url_warnings_name_its_line_or_where_it_goes(site_copy: Path) -> None:
    from opencpd.adapters.config_lines import setting_at

    config = site_copy / "mkdocs.yml"
    assert setting_at(str(config), "site_url") == f"{config}:3:11: "
    edited(site_copy, "site_url: https://opencpd.example.org/\n", "")
    assert setting_at(str(config), "site_url") == ""
    assert setting_at(str(config), "site_url", missing=True) == f"{config}:1:1: "


TAGGED = """\
site_name: x
theme:
  name: !ENV [OPENCPD_STACK, material]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - nosuch
"""


def test_tags_are_composed_not_run_and_an_unknown_place_is_none() -> None:
    from opencpd.core.config_place import place

    loaded = "Config value 'markdown_extensions': Failed to load extension 'nosuch'."
    assert place(TAGGED, loaded) == (7, 5)
    assert place(TAGGED, "Config value 'nav': Expected a list") is None  # not written here
    assert place("a: [", loaded) is None  # no YAML: the file alone
    assert place(TAGGED, "something else") is None
