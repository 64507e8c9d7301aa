"""The approval chain (审批链), periods (利用期限) and request numbers, pure rules."""

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from sd.archive.core.access import numbers
from sd.archive.core.access import period
from sd.archive.core.access import rules
from sd.archive.core.access.rules import RecordFacts
from sd.archive.core.errors import ArchiveError

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "state, level, chain",
    [
        ("controlled", "公开", ("archivist", "leader")),
        ("controlled", "", ("archivist", "leader")),
        ("received", "公开", ("archivist",)),
        ("archived", "无", ("archivist",)),
        ("appraisal", "公开", ("archivist",)),
    ],
)
def test_chain_by_state(state, level, chain):
    assert rules.check_record(RecordFacts("J001-WS·2023-Y-BGS-0001", state, level)) == chain


@pytest.mark.parametrize(
    "state, level, code, status",
    [
        ("open", "公开", "access.open", 400),
        ("controlled", "内部", "access.classified", 403),
        ("received", "秘密", "access.classified", 403),
        ("open", "机密", "access.classified", 403),  # classified wins over open
        ("destroyed", "公开", "access.record-unknown", 400),
        ("pre_archived", "公开", "access.record-unknown", 400),
        ("", "公开", "access.record-unknown", 400),
    ],
)
def test_records_not_asked_for(state, level, code, status):
    with pytest.raises(ArchiveError) as error:
        rules.check_record(RecordFacts("x", state, level))
    assert [p.code for p in error.value.problems] == [code]
    assert error.value.status == status


def test_longest_chain_wins_and_empty_scope_starts_with_the_archivist():
    mixed = [RecordFacts("a", "received"), RecordFacts("b", "controlled")]
    assert rules.chain(mixed) == ("archivist", "leader")
    assert rules.chain([]) == ("archivist",)
    with pytest.raises(ArchiveError):
        rules.chain([RecordFacts("a", "received"), RecordFacts("b", "received", "内部")])


def test_next_step():
    chain = ("archivist", "leader")
    assert [rules.next_step(chain, n) for n in range(3)] == ["archivist", "leader", None]


def test_refusal_needs_a_reason():
    with pytest.raises(ArchiveError) as error:
        rules.check_reason("   ", required=True)
    assert error.value.problems[0].code == "access.reason-required"
    assert rules.check_reason(" 不相关 ", required=True) == "不相关"
    assert rules.check_reason(None, required=False) == ""
    with pytest.raises(ArchiveError):
        rules.check_reason("x" * 2001, required=False)


def test_purpose_other_needs_words():
    assert rules.check_purpose("other", " 家谱 ") == ("other", "家谱")
    for bad in (("other", ""), ("gossip", "x")):
        with pytest.raises(ArchiveError):
            rules.check_purpose(*bad)


def test_period_defaults_and_limits():
    assert period.check_period(None, None, TODAY) == (TODAY, TODAY + timedelta(days=6))
    start, end = period.check_period("2026-12-08", "2027-01-06", TODAY)  # 30 days
    assert (end - start).days + 1 == 30
    cases = {
        ("2026-12-06", "2026-12-08"): "access.period-past",
        ("2026-12-09", "2026-12-08"): "access.period-order",
        ("2026-12-07", "2027-01-06"): "access.period-limit",  # 31 days
        ("2026-13-01", None): "access.period-date",
    }
    for (start, end), code in cases.items():
        with pytest.raises(ArchiveError) as error:
            period.check_period(start, end, TODAY)
        assert error.value.problems[0].code == code, (start, end)


def test_active_and_expired_include_both_days():
    start, end = date(2026, 12, 7), date(2026, 12, 9)
    assert [period.active(start, end, start + timedelta(days=n)) for n in range(-1, 4)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert not period.expired(end, end) and period.expired(end, end + timedelta(days=1))
    assert not period.active(None, end, start)


def test_beijing_day_and_text():
    late_utc = datetime(2026, 12, 6, 17, 30, tzinfo=period.BEIJING).astimezone(period.BEIJING)
    assert period.beijing_today(late_utc) == date(2026, 12, 6)
    assert period.beijing_text("2026-12-06T16:30:00+00:00") == "2026-12-07 00:30:00"
    assert period.beijing_text("2026-12-06T16:30:00") == "2026-12-07 00:30:00"  # UTC if naive


def test_request_numbers():
    assert numbers.request_number(2026, 123) == "LY-2026-000123"
    assert numbers.parse("LY-2026-000123") == (2026, 123)
    assert numbers.parse("LY-26-1") is None
    with pytest.raises(ValueError):
        numbers.request_number(2026, 0)
