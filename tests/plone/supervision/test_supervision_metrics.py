"""Each supervision metric computed from recorded events (监督指标, #26): the counters kept
by the subscribers, the figures of sd.archive.supervision.metrics, the drill-down, the
rebuild."""

import datetime

import pytest
from plone import api
from supervision_helpers import official

from sd.archive.intake.rejections import add_rejection
from sd.archive.repository import create_record
from sd.archive.supervision import aggregates
from sd.archive.supervision import details
from sd.archive.supervision import metrics
from sd.archive.supervision import numbers

TODAY = datetime.date(2026, 12, 7)


def figures(fonds, year=2026):
    return metrics.agency_metrics(fonds, year, today=TODAY)


def test_number_gaps_and_void_reasons(agency, fonds):
    found = figures(fonds)
    assert found["records"] == 4
    assert found["completeness"]["number_gaps"] == 2  # 鲁某发〔2026〕3号 and 5号
    assert found["completeness"]["number_series"] == 1
    assert details.number_gaps(fonds, 2026) == [
        {
            "series": "鲁某发〔2026〕",
            "missing": [3, 5],
            "spans": "3, 5",
            "highest": 6,
            "numbers": ["鲁某发〔2026〕3号", "鲁某发〔2026〕5号"],
        }
    ]
    numbers.declare(fonds, "鲁某发〔2026〕", [3], "void", "发文作废")
    assert figures(fonds)["completeness"]["number_gaps"] == 1
    assert details.number_gaps(fonds, 2026)[0]["missing"] == [5]
    assert figures(fonds)["completeness"]["rate"] == 80.0  # 4 of 4 + 1 missing


def test_void_reason_refused_for_a_number_present(agency, fonds):
    from sd.archive.core.errors import ArchiveError

    with pytest.raises(ArchiveError) as raised:
        numbers.declare(fonds, "鲁某发〔2026〕", [4], "void", "x")
    assert raised.value.problems[0].code == "supervision.gap-not-missing"
    assert numbers.declared(fonds) == {}


def test_timeliness_late_and_due_for_transfer(agency, fonds):
    old = figures(fonds, 2019)
    assert old["timeliness"]["late"] == 1  # dated 2019, archived in 2026: deadline 2020-06-30
    assert old["timeliness"]["rate"] == 0.0
    assert [r["uid"] for r in details.records_behind(fonds, 2019, "late")] == [agency["late"].UID()]
    now = figures(fonds)
    assert now["timeliness"]["late"] == 0 and now["timeliness"]["rate"] == 100.0
    assert now["timeliness"]["pending"] == 1
    # 2019 is more than five years back: its archived record is due for transfer, not sent
    assert now["timeliness"]["due_for_transfer"] == 1


def test_service_case_deadline_from_completion(fonds):
    api.portal.set_registry_record("sd.archive.supervision.service_case_days", 10)
    completed = datetime.datetime.now() - datetime.timedelta(days=30)
    official(fonds, 70, number=0, record_kind="政务服务电子文件", completed_at=completed, year=2026)
    aggregates.flush()
    assert figures(fonds)["timeliness"]["late"] == 1


def test_declared_shortfall_counts_records_from_the_period(agency, fonds):
    from sd.archive.supervision import declared

    api.user.grant_roles(username="test_user_1_", obj=fonds, roles=["RecordsOfficer"])
    entry = declared.report(
        {
            "fonds": "J001",
            "kind": "documents_issued",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "count": 10,
        }
    )
    assert (entry["archived"], entry["shortfall"]) == (4, 6)
    found = figures(fonds)["completeness"]
    assert found["declared_shortfall"] == 6
    assert found["declared"][0]["declared"] == 10


def test_rejections_per_thousand_packages_by_item(agency, fonds, portal):
    add_rejection(
        portal,
        actor="svc",
        kind="archive",
        fonds_code="J001",
        package_digest="0" * 64,
        record_id="OA-1",
        error={"type": "DetectionFailed", "errors": [{"code": "GD-2-7", "message": "x"}]},
    )
    quality = figures(fonds)["quality"]
    # packages this year: 6 records received + 1 refused
    assert quality["rejections"] == 1
    assert quality["packages"] == 7
    assert quality["rejections_per_1000"] == round(1000 / 7, 1)
    assert quality["by_item"]["GD-2-7"]["count"] == 1


def test_seal_failures_corrections_and_missing_components(agency, fonds):
    record = agency[1]
    record.seal_findings = [{"status": "invalid", "component": "正本.ofd"}]
    record.correction_log = [{"field": "title", "reason": "错别字"}]
    aggregates.note(record)
    bare = official(fonds, 80, number=8)
    for component in list(bare.objectIds()):
        bare._delObject(component, suppress_events=True)
    aggregates.note(bare)
    aggregates.flush()
    found = figures(fonds)
    assert found["quality"]["seal_failures"] == 1
    assert found["quality"]["corrected"] == 1
    assert found["completeness"]["components_missing"] == 1
    assert [r["uid"] for r in details.records_behind(fonds, 2026, "components_missing")] == [
        bare.UID()
    ]
    assert [r["uid"] for r in details.records_behind(fonds, 2026, "seal_failed")] == [record.UID()]


def test_review_backlog_and_scope(agency, fonds):
    from sd.archive.intake.review import PENDING_REVIEW

    agency["pending"].arrangement_status = PENDING_REVIEW
    agency["pending"].reindexObject()
    found = figures(fonds)
    assert found["quality"]["review_backlog"] == 1
    assert found["completeness"]["scope_missing"] == []  # WS, the scope's one category, has records
    assert figures(fonds, 2025)["completeness"]["scope_missing"] == ["WS"]


def test_removed_record_leaves_the_counters(agency, fonds):
    assert figures(fonds)["timeliness"]["pending"] == 1
    api.content.delete(agency["pending"], check_linkintegrity=False)
    aggregates.flush()
    assert figures(fonds)["timeliness"]["pending"] == 0
    assert details.records_behind(fonds, 2026, "pending") == []


def test_rebuild_gives_the_same_figures(agency, fonds, portal):
    before = [figures(fonds, y) for y in (2019, 2026)]
    assert aggregates.rebuild(portal) == 6
    assert [figures(fonds, y) for y in (2019, 2026)] == before


def test_all_agencies_and_years(agency, fonds, other_fonds):
    rows = metrics.all_agencies(2026, today=TODAY)
    assert [r["fonds"] for r in rows] == ["J001", "J002"]
    assert rows[1]["records"] == 0
    assert metrics.years(today=TODAY) == [2026, 2019]
    assert metrics.all_agencies(2026, today=TODAY, domain="public-service") == []


def test_record_without_components_made(fonds):
    record = create_record(
        fonds,
        {
            "title": "无组件",
            "record_kind": "电子公文",
            "electronic_record_id": "OA-J001-NONE",
            "fonds_code": "J001",
            "year": 2026,
        },
        [],
    )
    aggregates.flush()
    assert aggregates.components_missing(record)
