"""CSV injection (issue 15): every cell quoted, no cell starts a formula, and every CSV
okno writes goes through the one writer in ``domain/spreadsheet.py``."""

from __future__ import annotations

import ast
import csv
import io

import pytest

from domain.spreadsheet import CsvRows, cell
from tests.conftest import ROOT


@pytest.mark.parametrize("value", ["=1+2", "+7 999", "-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
                                   "  =1+2", "＝1+2", "=HYPERLINK(\"http://x\")"])
def test_formula_starts_are_neutralised(value):
    shown = cell(value)
    assert shown.lstrip(" \t\r\n").startswith("'")
    assert shown.replace("'", "") == value


@pytest.mark.parametrize(("value", "shown"), [
    ("Спасибо;=1+2", "Спасибо;'=1+2"), ("Спасибо; @x", "Спасибо; '@x"),
    ("Пункты:\n- первый\r\n+второй", "Пункты:\n'- первый\r\n'+второй")])
def test_a_piece_a_semicolon_splitting_spreadsheet_would_start_is_neutralised(value, shown):
    """A Russian Excel that splits on ";" (or a line break) never starts a formula."""
    assert cell(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("a=b", "a=b"), ("10-15, a+b", "10-15, a+b"), (5, "5"), (None, ""), ("", ""),
    ("  ", "  ")])
def test_other_values_stay_as_they_are(value, shown):
    assert cell(value) == shown


def test_every_cell_is_quoted_so_no_separator_splits_it():
    text = CsvRows().text([["Спасибо;=1+2", 5, None, "a,b\n=c"]])
    assert text == '"Спасибо;\'=1+2","5","","a,b\n\'=c"\r\n'
    # Read back as Russian Excel does (";" separates): still one cell per value.
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            assert not any(c.lstrip().startswith(("=", "+", "-", "@")) for c in row)


def test_no_csv_is_written_past_the_one_writer():
    """A new export cannot forget the rules: only domain/spreadsheet.py imports ``csv``."""
    offenders = []
    for package in ("api", "domain", "jobs"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if "csv" in names and path != ROOT / "domain" / "spreadsheet.py":
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
