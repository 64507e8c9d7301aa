"""The supervision demo (#26): J004 has gaps in its 文号 series, late records, an overdue
transfer, a declared shortfall and a refused package — computed, not typed."""

import datetime

from sd.archive.supervision import details
from sd.archive.supervision import metrics
from sd.archive.supervision.demo import make_supervision_demo

TODAY = datetime.date(2026, 12, 7)


def test_demo_agency_needs_attention(manager):
    fonds = make_supervision_demo(manager)
    assert fonds is not None and make_supervision_demo(manager) is None
    y2024 = metrics.agency_metrics("J004", 2024, today=TODAY)
    assert y2024["records"] == 9
    assert y2024["completeness"]["number_gaps"] == 2  # 4 and 5; 9 is void with a reason
    assert details.number_gaps(fonds, 2024)[0]["missing"] == [4, 5]
    assert y2024["completeness"]["declared_shortfall"] == 6  # 15 declared, 9 archived
    assert y2024["quality"]["rejections"] == 0  # refused in the calendar year of the refusal
    assert metrics.agency_metrics("J004", 2023, today=TODAY)["timeliness"]["late"] == 6
    assert y2024["timeliness"]["due_for_transfer"] == 4  # 2019: more than five years back
    from sd.archive.retention import today

    this_year = metrics.agency_metrics("J004", today().year, today=TODAY)
    assert this_year["quality"]["rejections"] == 1
    assert "GD-2-7" in this_year["quality"]["by_item"]
