"""CSV cells a spreadsheet will not run (CSV 公式注入防护).

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: a title or a comment typed by an agency could run on the
desk of whoever opens the export. Every CSV that sd.archive writes goes through
:func:`writer`, which prefixes such a cell with a single quote (OWASP "CSV injection"); the
CSV imports take the quote off again with :func:`restore`, so an export re-imports unchanged.
"""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value) -> str:
    """The cell's text, quoted when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """The value of a cell written by :func:`neutral` (its quote taken off again)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


class _Writer:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([neutral(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _Writer:
    """``csv.writer`` whose every cell is :func:`neutral`."""
    return _Writer(out, **options)
