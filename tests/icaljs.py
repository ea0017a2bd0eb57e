"""iCalendar files read back by ical.js, the parser of Thunderbird and of many web calendars (the
npm package pinned in package.json, installed by scripts/test), run with node: what such a
calendar shows of a file, which is not always what the Python library reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ICALJS = Path(__file__).resolve().parent.parent / "node_modules" / "ical.js" / "dist" / "ical.js"
# each file's calendar properties (the first of each) and events, as ical.js reads them
SCRIPT = """
import ICAL from {module};
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = {{}};
for (const [uri, text] of Object.entries(JSON.parse(input))) {{
  const cal = new ICAL.Component(ICAL.parse(text));
  const props = {{}};
  for (const name of {names}) {{
    const value = cal.getFirstPropertyValue(name);
    props[name] = value === null ? null : value.toString();
  }}
  const events = cal.getAllSubcomponents("vevent").map(e => ({{
    uid: e.getFirstPropertyValue("uid"),
    summary: e.getFirstPropertyValue("summary"),
    url: e.getFirstPropertyValue("url"),
  }}));
  out[uri] = {{props, events}};
}}
console.log(JSON.stringify(out));
"""
NAMES = ["name", "x-wr-calname", "description", "source", "refresh-interval"]


def read_with_icaljs(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """uri -> {"props": calendar property -> value, "events": [{uid, summary, url}]}."""
    if not ICALJS.is_file() or not shutil.which("node"):
        pytest.fail(
            f"{ICALJS.relative_to(ICALJS.parents[3])} or node is missing: run `npm ci` "
            "(scripts/test does).",
            pytrace=False,
        )
    script = SCRIPT.format(module=json.dumps(ICALJS.as_uri()), names=json.dumps(NAMES))
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
