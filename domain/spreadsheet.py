"""CSV that spreadsheets open safely: every CSV okno writes goes through ``CsvRows``.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a
tab, CR or LF before one) as a formula, and a Russian Excel splits an unquoted line on
``;``, so ``Спасибо;=1+2`` becomes a second cell that starts with ``=`` (CSV injection).
Hence: every cell is quoted (the ``csv`` module, QUOTE_ALL), so a spreadsheet that reads
the file as written never splits a value; and a formula character that starts the cell, or
starts a piece of it after a ``;`` or a line break (where a spreadsheet that splits on
``;`` would start a new cell or row), after any blanks, gets an apostrophe before it: shown
as text, never run. An apostrophe inside a cell is visible; that is the price of safety.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

# The full-width forms too: some spreadsheets fold them to ASCII before parsing a formula.
_FORMULA = "=+\\-@\uff1d\uff0b\uff0d\uff20"
_PIECE_STARTS_A_FORMULA = re.compile(rf"(^|[;\r\n])([ \t]*)(?=[{_FORMULA}\t\r])")


def cell(value: Any) -> str:
    """A value as a spreadsheet will show it: text, never a formula."""
    text = "" if value is None else str(value)
    return _PIECE_STARTS_A_FORMULA.sub(r"\1\2'", text)


class CsvRows:
    """Writes rows to text chunks (stream them as they come)."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, quoting=csv.QUOTE_ALL)

    def text(self, rows: Iterable[Iterable[Any]]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows([cell(v) for v in row] for row in rows)
        return self._buffer.getvalue()
