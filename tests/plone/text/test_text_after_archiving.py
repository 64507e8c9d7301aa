"""Text of files after archiving (#30 item 2): queued with the archiving, extracted by the
after-archiving work (PDF text layer, OFD, OCR of a scan), kept with the record and in its AIP
as a derived representation, never in the way of archiving or the ledger."""

from datetime import datetime
from datetime import timedelta

import pytest
from plone import api
from text_helpers import NOTICE
from text_helpers import REPORT
from text_helpers import SCAN
from text_helpers import record_with

from sd.archive.core.preservation.aip import read_aip_file
from sd.archive.core.text import ocr_available
from sd.archive.ledger import ensure_agrees
from sd.archive.ledger.records import state_digest
from sd.archive.preservation import config
from sd.archive.preservation import postprocess
from sd.archive.preservation import store as aip_store
from sd.archive.preservation.package import components
from sd.archive.text import queue
from sd.archive.text import record_text
from sd.archive.text import store
from sd.archive.text.store import text_status

needs_ocr = pytest.mark.skipif(not ocr_available(), reason="tesseract not installed")


def read_last_aip(record, var):
    entry = aip_store.last_version(record)
    location = config.online_locations()[0]
    return entry, read_aip_file(
        f"{location.path}/{entry['relpath']}", content_dir=var / f"out{entry['version']}"
    )


def derived_texts(aip) -> dict:
    return {
        c.name: open(c.content, encoding="utf-8").read()
        for c in aip.components
        if c.role == store.DERIVED_ROLE
    }


@needs_ocr
def test_pdf_ofd_and_scan_extracted_after_archiving_into_the_next_aip(fonds, files, var):
    record = record_with(fonds, 1, [files["pdf"], files["ofd"], files["scan"]])
    # archiving only queued the extraction: no text yet, page says 等待中
    assert api.content.get_state(record) == "archived"
    assert queue.is_pending(record) and record_text(record) == ""
    assert text_status(record)["status"] == "waiting"
    assert aip_store.last_version(record)["version"] == 1
    digest_before = state_digest(record)

    summary = queue.take(record.UID())
    assert summary == {"extracted": 3, "failed": 0, "changed": 3}
    assert not queue.is_pending(record)
    text = record_text(record)
    assert REPORT[0] in text and NOTICE[0] in text and "研究档案数字化工作" in text
    status = text_status(record)
    assert status["status"] == "extracted"
    assert status["methods"] == ["ocr", "ofd-text", "pdf-text"]

    # the text is derived data: metadata digest unchanged, the ledger still agrees
    assert state_digest(record) == digest_before
    ensure_agrees(record)

    # a new AIP version with 派生/文本/…txt beside the unchanged originals
    (written,) = aip_store.flush()
    assert written["version"] == 2
    _, aip = read_last_aip(record, var)
    texts = derived_texts(aip)
    assert sorted(texts) == [
        "派生/文本/c001/报告.pdf.txt",
        "派生/文本/c002/通知.ofd.txt",
        "派生/文本/c003/纪要.pdf.txt",
    ]
    assert texts["派生/文本/c001/报告.pdf.txt"].splitlines() == REPORT
    assert SCAN[0] in texts["派生/文本/c003/纪要.pdf.txt"]
    originals = [c for c in aip.components if c.role != store.DERIVED_ROLE]
    assert [c.sm3 for c in originals] == [c.sm3 for c in components(record)]

    # nothing changed: extracting again writes nothing and no new version
    assert queue.take(record.UID()) == {"extracted": 0, "failed": 0, "changed": 0}
    assert aip_store.flush() == []


def test_queue_mode_extracts_before_the_first_aip(fonds, files, var, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "queue")
    record = record_with(fonds, 2, [files["pdf"], files["ofd"]])
    assert postprocess.is_pending(record) and queue.is_pending(record)
    assert aip_store.versions(record) == []
    postprocess.take(record.UID())  # the worker's step: seal, text, then AIP v1
    assert not queue.is_pending(record)
    (entry,) = aip_store.versions(record)
    assert entry["version"] == 1
    _, aip = read_last_aip(record, var)
    assert list(derived_texts(aip).values()) == ["\n".join(REPORT), "\n".join(NOTICE)]


def test_corrupt_pdf_is_unavailable_and_retried_later(fonds, files, var):
    record = record_with(fonds, 3, [files["pdf"], files["corrupt"]])
    queue.take(record.UID())
    status = text_status(record)
    assert status["status"] == "unavailable"
    (reason,) = status["reasons"]
    assert reason.startswith("坏.pdf: PDF 文件已损坏") and "corrupt" in reason
    assert REPORT[0] in record_text(record)  # the good file's text is kept
    entry = store._entries(record)[components(record)[1].UID()]
    assert entry["tries"] == 1 and entry["next_try"] == status["next_try"]
    # scheduled ~10 minutes ahead, not due now
    assert store.due_retries() == []
    later = datetime.now().astimezone() + timedelta(minutes=11)
    assert store.due_retries(now=later) == [record.UID()]
    assert queue.requeue_due(now=later) == 1 and queue.is_pending(record)

    # a due retry that fails again waits twice as long; MAX_TRIES ends the retries
    entries = store._entries(record)
    uid = components(record)[1].UID()
    entries[uid] = {**entries[uid], "next_try": "2000-01-01T00:00:00+08:00"}
    queue.take(record.UID())
    assert entries[uid]["tries"] == 2
    entries[uid] = {**entries[uid], "tries": store.MAX_TRIES - 1, "next_try": "2000-01-01"}
    queue.take(record.UID())
    assert entries[uid]["next_try"] is None and store.due_retries(now=later) == []
    assert text_status(record)["status"] == "unavailable"


def test_archiving_is_never_blocked_by_extraction(fonds, files, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("OCR engine crashed")

    monkeypatch.setattr(store, "extract", broken)
    record = record_with(fonds, 4, [files["pdf"]])
    assert api.content.get_state(record) == "archived"
    queue.take(record.UID())  # no exception out of the queue step either
    status = text_status(record)
    assert status["status"] == "unavailable" and "OCR engine crashed" in status["reasons"][0]


def viewlet_html(record, portal):
    from plone.app.layout.globals.interfaces import IViewView
    from zope.component import getMultiAdapter
    from zope.component import queryMultiAdapter
    from zope.interface import alsoProvides
    from zope.viewlet.interfaces import IViewletManager

    from sd.archive.interfaces import ISdArchiveLayer

    request = portal.REQUEST
    alsoProvides(request, ISdArchiveLayer)
    view = getMultiAdapter((record, request), name="view")
    alsoProvides(view, IViewView)  # as when the page renders
    manager = queryMultiAdapter((record, request, view), IViewletManager, "plone.belowcontentbody")
    manager.update()
    (found,) = [v for v in manager.viewlets if v.__name__ == "sd.archive.text"]
    return found.render()


def test_record_page_shows_the_status_in_chinese(fonds, files, portal):
    from zope.i18n import translate

    from sd.archive.browser.text.viewlet import STATUS_TITLES

    record = record_with(fonds, 5, [files["pdf"], files["corrupt"]])
    assert "text-status-waiting" in viewlet_html(record, portal)
    queue.take(record.UID())
    html = viewlet_html(record, portal)
    assert "text-status-unavailable" in html
    # the reason's Chinese half, the next try in 北京时间, no English reason on the page
    assert "坏.pdf: PDF 文件已损坏或无法解析" in html and "corrupt" not in html
    assert "北京时间" in html
    titles = {k: translate(v, target_language="zh_CN") for k, v in STATUS_TITLES.items()}
    assert titles == {"extracted": "已提取", "unavailable": "无法提取", "waiting": "等待中"}


def test_pre_archived_records_are_not_queued(fonds, files):
    record = record_with(fonds, 6, [files["pdf"]], archive=False)
    assert not queue.is_pending(record)
    assert text_status(record)["status"] == "waiting"


def test_rebuild_restores_the_text_from_the_aip_without_extracting(fonds, files, var):
    from zope.annotation.interfaces import IAnnotations

    from sd.archive.text import TEXT_KEY

    record = record_with(fonds, 7, [files["pdf"], files["ofd"]])
    queue.take(record.UID())
    aip_store.flush()
    _, aip = read_last_aip(record, var)
    before = record_text(record)
    del IAnnotations(record)[TEXT_KEY]
    assert record_text(record) == ""
    assert store.restore_from_aip(record, aip) == 2
    assert record_text(record) == before
    assert text_status(record)["methods"] == ["aip"]


def test_a_file_added_to_a_preserved_record_is_queued(fonds, files):
    from sd.archive.repository import ComponentData
    from sd.archive.repository import add_component

    record = record_with(fonds, 8, [files["pdf"]])
    queue.take(record.UID())
    assert text_status(record)["status"] == "extracted" and not queue.is_pending(record)
    name, data = files["ofd"]
    add_component(record, ComponentData(name, data, "附件", 2, content_type="application/ofd"))
    assert queue.is_pending(record) and text_status(record)["status"] == "waiting"
    queue.take(record.UID())
    assert NOTICE[0] in record_text(record)


def test_preservation_overview_counts_the_text_queue_and_retries(fonds, files, portal):
    import re

    from zope.component import getMultiAdapter
    from zope.interface import alsoProvides

    from sd.archive.interfaces import ISdArchiveLayer

    request = portal.REQUEST
    alsoProvides(request, ISdArchiveLayer)

    def counts():
        html = getMultiAdapter((portal, request), name="preservation")()
        part = html[html.index('id="sd-text-queue"') :].split("</p>")[0]
        return [int(n) for n in re.findall(r"<strong>(\d+)</strong>", part)]

    record = record_with(fonds, 9, [files["corrupt"]])
    assert counts() == [1, 0]
    queue.take(record.UID())
    assert counts() == [0, 1]
