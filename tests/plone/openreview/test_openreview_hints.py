"""The sensitive-content hook (敏感内容提示, #25/#28): nothing without a finder; a registered
finder's findings normalised; a failing finder shows nothing."""

import sys
from pathlib import Path

from zope.interface import implementer

from sd.archive.openreview.hints import ISensitiveFinder
from sd.archive.openreview.hints import hints_for

sys.path.insert(0, str(Path(__file__).resolve().parent))
from openreview_data import finder_registered  # noqa: E402


@implementer(ISensitiveFinder)
class Finder:
    def __init__(self, result=None, fail=False):
        self.result, self.fail = result, fail

    def findings(self, record):
        if self.fail:
            raise RuntimeError("broken finder")
        return self.result


def _with(finder, record):
    with finder_registered(finder):
        return hints_for(record)


def test_no_finder_no_hints(record):
    assert _with(None, record) == []


def test_registered_finder_findings(record):
    found = [{"kind": "id_number", "excerpt": "身份证号 1101…", "where": "正文 第2页"}, "junk"]
    assert _with(Finder(found), record) == [
        {"kind": "id_number", "excerpt": "身份证号 1101…", "where": "正文 第2页", "title": ""}
    ]


def test_failing_finder_shows_nothing(record):
    assert _with(Finder(fail=True), record) == []
