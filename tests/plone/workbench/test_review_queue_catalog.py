"""The review queue (待人工整理) from the catalog: the page and its count wake no record per row
(#24: intake.review.pending_records read every pre-archived record)."""

from plone.app.testing import login
from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain

from sd.archive.intake import review


def woken(monkeypatch):
    calls = []
    original = AbstractCatalogBrain.getObject

    def counting(self, *args, **kwargs):
        calls.append(self.getPath())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AbstractCatalogBrain, "getObject", counting)
    return calls


def test_review_queue_page_reads_metadata(desk, monkeypatch):
    fonds = desk["j001"]
    for record in review.pending_records(fonds):  # a proposal as arrangement leaves it
        record.arrangement = {
            "category": "WS",
            "retention": "",
            "org_code": "BGS",
            "problems": [{"code": "ARRANGE-NO-RULE", "message": "没有适用的整理规则"}],
        }
        record.document_type = "通知"
        record.reindexObject()
    login(desk, "officer")
    calls = woken(monkeypatch)
    view = fonds.restrictedTraverse("@@review-queue")
    rows = view.records()
    assert len(rows) == 3  # J001's three records waiting (workbench_data.QUEUES)
    assert len(calls) <= 1, calls  # the permission, asked once for the fonds
    assert {(r["category"], r["org_code"], r["doc_type"]) for r in rows} == {("WS", "BGS", "通知")}
    assert rows[0]["problems"] == ["没有适用的整理规则"] and rows[0]["record_id"]
    html = view()
    assert "没有适用的整理规则" in html and html.count('class="sd-review-select"') == 3


def test_other_fonds_officer_sees_none(desk, monkeypatch):
    login(desk, "officer")
    calls = woken(monkeypatch)
    assert review.pending_brains(desk["j002"]) == []  # not J002's records officer
    assert len(calls) <= 1
