"""README.md documents every setting (its table is generated from domain.settings)."""

from __future__ import annotations

from pathlib import Path

from api.settings_doc import END, START, replace_in, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_configuration_table_is_up_to_date():
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    assert replace_in(text) == text, (
        "README.md's configuration table is stale: run `uv run okno settings-doc --write`")


def test_every_setting_says_what_it_means():
    blank = [row.split("|")[1].strip() for row in settings_table().splitlines()[2:]
             if not row.rsplit("|", 2)[1].strip()]
    assert not blank, ("give these settings a Field(description=...) in domain/settings.py "
                       "(or a meaning in api/settings_doc.py): " + ", ".join(blank))
