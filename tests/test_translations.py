"""English and Simplified Chinese throughout (SPEC.md "Non-functional").

(a) Every translatable string in the code has a Chinese translation: a fresh `makemessages`
    over a copy of the source must find no string without a (non-fuzzy) translation.
(b) The compiled catalogue that ships is not stale: compiling the committed .po gives exactly
    the committed .mo (run `make messages` after translating).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
CATALOGUE = REPO / "locale" / LOCALE / "LC_MESSAGES"
NOT_SOURCE = shutil.ignore_patterns(
    ".venv",
    "var",
    ".git",
    "tests",
    "node_modules",
    "test-results",
    "bench-results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
)

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is not installed"
)


def _describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    state = "fuzzy" if entry.fuzzy else "untranslated"
    return f"  {entry.msgid!r} ({state}; {where})"


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE, symlinks=True)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ONESTOP_VAR_DIR": str(tmp_path / "var"),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", LOCALE, "--no-obsolete"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    catalogue = polib.pofile(str(source / "locale" / LOCALE / "LC_MESSAGES" / "django.po"))
    missing = [
        entry
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]
    if missing:
        pytest.fail(
            f"{len(missing)} of {len(catalogue)} strings have no Chinese translation "
            "(run `make messages` and translate them):\n" + "\n".join(map(_describe, missing)),
            pytrace=False,
        )


def _entries(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        )
        for entry in catalogue
        if entry.msgid  # the header differs between compilers
    }


def test_the_compiled_catalogue_matches_the_translations(tmp_path):
    compiled = tmp_path / "django.mo"
    polib.pofile(str(CATALOGUE / "django.po")).save_as_mofile(str(compiled))

    expected = _entries(polib.mofile(str(compiled)))
    shipped = _entries(polib.mofile(str(CATALOGUE / "django.mo")))

    stale = sorted(str(key[1]) for key in expected.keys() ^ shipped.keys())
    changed = sorted(
        str(key[1]) for key in expected.keys() & shipped.keys() if expected[key] != shipped[key]
    )
    assert not stale and not changed, (
        "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run `make messages` "
        f"(missing or extra: {stale[:20]}; different: {changed[:20]})"
    )
