"""End to end through REST: both interfaces, receipts, idempotency, 409, 401/403/415/413."""

import transaction
from build_corpus import edit_xml
from build_corpus import load
from build_corpus import remanifest
from intake_helpers import holdings
from intake_helpers import post
from intake_helpers import sample
from intake_helpers import session_for
from intake_helpers import zip_bytes
from plone import api

from sd.archive.behaviors.archival_code import IArchivalCode
from sd.archive.behaviors.government_service import IGovernmentService
from sd.archive.behaviors.records_metadata import IRecordsMetadata
from sd.archive.behaviors.retention import IRetention


def ledger_entries(record):
    from sd.archive.core.ledger.entry import parse_entry
    from sd.archive.ledger.current import current_ledger

    ledger = current_ledger()
    with ledger.log.reading() as conn:
        return [
            (i, parse_entry(ledger.log.entry(conn, i)[0]))
            for i in ledger.log.record_indexes(conn, record.UID())
        ]


def record_at(portal, url):
    transaction.begin()
    path = url.replace(portal.absolute_url(), "").lstrip("/")
    return portal.unrestrictedTraverse(path)


def test_archive_package_is_stored_numbered_archived(site, svc):
    before = holdings(site)
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "archived"
    assert body["archival_code"] == "J001-WS·2023-D30-BGS-0007"
    assert response.headers["Location"] == body["@id"]
    assert body["detection"]["stage"] == "archiving"
    assert body["detection"]["result"] in ("passed", "warning")
    assert body["receipt"]["package_digest"]["SM3"]
    assert isinstance(body["receipt"]["ledger_index"], int)
    assert "archive_entry" not in body["receipt"]  # the receipt is the record's archive entry
    record = record_at(site, body["@id"])
    assert api.content.get_state(record) == "archived"
    received = [c for c in record.objectValues() if not c.version_of]
    assert sorted(c.role for c in received) == sorted(["正本", "处理单", "附件", "原始包"])
    # archiving adds the archiving-sealed version of the 正本 beside the original as received
    derived = [c for c in record.objectValues() if c.version_of]
    main_uid = [c for c in received if c.role == "正本"][0].UID()
    assert [(c.role, c.version_of) for c in derived] == [("正本", main_uid)]
    original = [c for c in record.objectValues() if c.role == "原始包"][0]
    assert original.sm3 == body["receipt"]["package_digest"]["SM3"]
    assert original.file.size == len(sample("archive-gongwen.zip"))
    assert original.file.data == sample("archive-gongwen.zip")  # kept byte for byte as received
    main = [c for c in received if c.role == "正本"][0]
    assert main.sm3 == "4a50c5d32b0b73e38ca3c88629347eb4a9bc2ab7b8300e57bdf4bdad0b17eedd"
    assert record.process_history[0]["activity"] == "拟稿"
    after = holdings(site)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 5
    assert after[2] == before[2] + 5


def test_government_service_case_is_one_record(site, svc2):
    response = post(svc2, "@archive", sample("archive-zhengwu.zip"))
    assert response.status_code == 201, response.text
    record = record_at(site, response.json()["@id"])
    assert record.record_kind == "政务服务电子文件"
    assert record.case_number == "ZW-J002-2023-000000008"
    assert record.service_item_code == "11370000004"
    assert sorted(c.role for c in record.objectValues()) == ["办理结果", "原始包", "申请材料"]


def test_archive_interface_logs_one_archive_entry_that_is_the_receipt(site, svc):
    """Archived on receipt: one `archive` entry states everything stored (the original
    package too) with the package and 元数据.xml digests; no `pre-archive` entry before it."""
    body = post(svc, "@archive", sample("archive-gongwen.zip")).json()
    record = record_at(site, body["@id"])
    entries = [(i, e) for i, e in ledger_entries(record) if e["event"] != "preserve"]
    assert [e["event"] for _i, e in entries] == ["archive"]
    index, entry = entries[0]
    assert index == body["receipt"]["ledger_index"]
    assert entry["package"] == body["receipt"]["package_digest"]["SM3"] == record.package_sm3
    assert entry["metadata"] == record.metadata_sm3
    original = [c for c in record.objectValues() if c.role == "原始包"][0]
    assert entry["content"][original.path] == original.sm3
    main = [c for c in record.objectValues() if c.role == "正本" and not c.version_of][0]
    assert entry["content"][main.path] == main.sm3
    from sd.archive.ledger import records
    from sd.archive.ledger.current import current_ledger

    assert records.tamper_status(record, current_ledger()).intact


def test_an_archive_transition_without_its_ledger_entry_stores_nothing(site, svc, monkeypatch):
    """Were the transition's entry ever not logged with the package's details, the intake
    fails as a whole (500): no record without the entry that is its receipt."""
    from sd.archive.ledger import subscribers

    before = holdings(site)
    monkeypatch.setattr(subscribers, "take_transition_entry", lambda record: None)
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 500
    assert holdings(site) == before


def test_pre_archive_is_arranged_by_rule(site, svc):
    response = post(svc, "@pre-archive", sample("pre-archive-gongwen.zip"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "arranged"
    assert body["archival_code"] == "J001-WS·2023-D30-BGS-0001"
    assert body["arrangement"]["rule_id"]
    record = record_at(site, body["@id"])
    assert api.content.get_state(record) == "archived"
    # received as pre-archived (the receipt), then archived by the rule: two entries
    # (the receipt names the archive entry, not a later one: here the AIP's `preserve`
    # entries follow at once, the test layers preserving inline)
    events = [(i, e["event"]) for i, e in ledger_entries(record) if e["event"] != "preserve"]
    assert events == [
        (body["receipt"]["ledger_index"], "pre-archive"),
        (body["receipt"]["archive_entry"]["ledger_index"], "archive"),
    ]
    assert record.ledger_index > body["receipt"]["archive_entry"]["ledger_index"]


def test_same_package_twice_answers_200_with_the_first_receipt(site, svc):
    first = post(svc, "@archive", sample("archive-gongwen.zip"))
    counts = holdings(site)
    again = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert holdings(site) == counts


def test_same_record_number_other_content_is_409(site, svc):
    post(svc, "@archive", sample("archive-gongwen.zip"))
    counts = holdings(site)
    files = remanifest(edit_xml(load("archive-gongwen.zip"), "<页数>1</页数>", "<页数>2</页数>"))
    response = post(svc, "@archive", zip_bytes(files))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "record.duplicate-id"
    assert holdings(site) == counts


def test_an_item_number_used_in_its_series_is_refused(site, svc):
    """Another record with the same 档号: unique (GD-1-8) and continuity (GD-2-6) both fail."""
    post(svc, "@archive", sample("archive-gongwen.zip"))
    counts = holdings(site)
    files = remanifest(
        edit_xml(load("archive-gongwen.zip"), "OA-J001-2023-000000007", "OA-J001-2023-000000099")
    )
    response = post(svc, "@archive", zip_bytes(files))
    assert response.status_code == 422, response.text
    failed = {e["code"] for e in response.json()["errors"]}
    assert {"GD-1-8", "GD-2-6"} <= failed
    assert holdings(site) == counts


def test_idempotency_key(site, svc):
    data = sample("pre-archive-gongwen.zip")
    first = post(svc, "@pre-archive", data, **{"Idempotency-Key": "k-1"})
    again = post(svc, "@pre-archive", data, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200), (again.text, again.headers)
    assert again.json() == first.json()  # detection included, though stored once
    other = post(svc, "@pre-archive", sample("archive-gongwen.zip"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "idempotency.key-reused"


def test_anonymous_is_401(site, anon):
    counts = holdings(site)
    response = post(anon, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "auth.required"
    assert holdings(site) == counts


def test_wrong_fonds_is_403(site, svc2):
    counts = holdings(site)
    response = post(svc2, "@archive", sample("archive-gongwen.zip"))  # a J001 package
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "fonds.mismatch"
    assert holdings(site) == counts


def test_account_without_fonds_is_403(site):
    response = post(session_for(site, "member"), "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 403


def test_account_that_lost_its_fonds_is_403(site, svc):
    """The fonds an account submitted to last is asked first, but asked every time."""
    assert post(svc, "@archive", sample("archive-gongwen.zip")).status_code == 201
    api.user.revoke_roles(username="svc-j001", obj=site["j001"], roles=["Submitter"])
    transaction.commit()
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "auth.not-a-submitter"


def test_manager_may_submit(site):
    response = post(session_for(site, "admin"), "@archive", sample("archive-zhengwu.zip"))
    assert response.status_code == 201, response.text


def test_wrong_media_type_is_415(site, svc):
    response = post(svc, "@archive", b"{}", "application/json")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "request.media-type"
    response = post(svc, "@pre-archive", b"<x/>", "application/xml")
    assert response.status_code == 415


def test_over_the_size_limit_is_413(site, svc):
    api.portal.set_registry_record("sd.archive.settings.max_package_bytes", 100_000)
    transaction.commit()
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request.too-large"


def test_multipart_field_package(site, svc):
    response = svc.post(
        "@archive", files={"package": ("p.zip", sample("archive-gongwen.zip"), "application/zip")}
    )
    assert response.status_code == 201, response.text
    response = svc.post("@archive", files={"other": ("p.zip", b"x", "application/zip")})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "request.package-missing"


def test_eep_archive_package(site, svc):
    from build_corpus import eep_bytes

    response = post(svc, "@archive", eep_bytes(), "application/xml")
    assert response.status_code == 201, response.text
    record = record_at(site, response.json()["@id"])
    original = [c for c in record.objectValues() if c.role == "原始包"][0]
    assert original.format_name == "EEP"


def test_the_package_digest_is_first_asked_when_the_record_is_stored(site, svc, monkeypatch):
    """The package SM3 is made beside the request: without an Idempotency-Key and with a new
    电子文件号 nothing before storing may wait for it (a lookup of the key did, once)."""
    import inspect

    from sd.archive.core.digests import digest_bytes
    from sd.archive.intake import spool

    askers = []
    sm3 = spool.Spooled.sm3

    def asked(self):
        askers.append([frame.function for frame in inspect.stack()[1:8]])
        return sm3.fget(self)

    monkeypatch.setattr(spool.Spooled, "sm3", property(asked))
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 201, response.text
    assert askers and "accept" in askers[0] and "replay_key" not in askers[0], askers[0]
    data = sample("archive-gongwen.zip")
    assert response.json()["receipt"]["package_digest"]["SM3"] == digest_bytes(data, "SM3")


def _written_sinks(monkeypatch):
    from sd.archive.repository import BlobSinks

    written = []
    call = BlobSinks.__call__

    def record_sink(self, path):
        sink = call(self, path)
        written.append((path, sink.name, type(sink).__name__))
        return sink

    monkeypatch.setattr(BlobSinks, "__call__", record_sink)
    return written


def test_component_files_are_read_straight_into_their_blobs(site, svc, monkeypatch):
    written = _written_sinks(monkeypatch)
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 201, response.text
    blobs = {path.rsplit("/", 1)[-1] for path, _name, kind in written if kind == "BlobFile"}
    other = {path.rsplit("/", 1)[-1] for path, _name, kind in written if kind != "BlobFile"}
    record = record_at(site, response.json()["@id"])
    stored = {
        c.file.filename for c in record.objectValues() if c.role != "原始包" and not c.version_of
    }
    assert blobs == stored and "元数据.xml" in other
    for c in record.objectValues():
        assert c.file.data[:4] in (b"%PDF", b"PK\x03\x04") and c.file.getSize() == len(c.file.data)


def test_a_refused_package_leaves_none_of_its_blob_files(site, svc, monkeypatch):
    import gc
    import os

    written = _written_sinks(monkeypatch)
    files = remanifest(
        edit_xml(load("archive-gongwen.zip"), "OA-J001-2023-000000007", "OA-J001-2023-000000099")
    )
    post(svc, "@archive", sample("archive-gongwen.zip"))
    counts = holdings(site)
    written.clear()
    response = post(svc, "@archive", zip_bytes(files))  # the same 档号 again: 422
    assert response.status_code == 422, response.text
    gc.collect()
    blobs = [name for _path, name, kind in written if kind == "BlobFile"]
    assert blobs and not [name for name in blobs if os.path.exists(name)]  # (the spooling
    # directory with 元数据.xml is removed by the helper thread: test_intake_spool)
    assert holdings(site) == counts


#: a new folder's own (empty) structures, and what differs between two new records anyway
FOLDER = {"_tree", "_mt_index", "_count"}
FRESH = {"creation_date", "modification_date", "_plone.uuid"}


def _fields(obj):
    return {k: v for k, v in vars(obj).items() if k not in FOLDER | FRESH}


def test_a_record_is_made_as_create_content_would(site):
    """``repository.new_record`` sets every field a package gives exactly where
    ``createContent`` puts it (both kinds of e-file, every behavior of a record)."""
    import io

    from plone.dexterity.utils import createContent
    from plone.uuid.interfaces import IUUID

    from sd.archive.core.packages.reader import read_package
    from sd.archive.repository import new_record
    from sd.archive.repository import record_fields

    transaction.begin()
    for name in ("archive-gongwen.zip", "archive-zhengwu.zip"):
        values = record_fields(read_package(io.BytesIO(sample(name)), "archive").metadata)
        values = {k: v for k, v in values.items() if v is not None}
        assert {"title", "document_date", "year", "keywords"} <= set(values)
        made = new_record("r-1", dict(values))
        expected = createContent("Record", **dict(values))
        expected.id = "r-1"
        assert IUUID(made) and IUUID(made) != IUUID(expected)
        assert made.portal_type == expected.portal_type == "Record"
        assert IRecordsMetadata.providedBy(made) and IGovernmentService.providedBy(made)
        assert _fields(made) == _fields(expected)
        assert made.objectIds() == expected.objectIds() == []
        assert {k: type(v) for k, v in vars(made).items() if k in FOLDER} == {
            k: type(v) for k, v in vars(expected).items() if k in FOLDER
        }
        for schema in (IRecordsMetadata, IGovernmentService, IRetention, IArchivalCode):
            for field in schema:
                assert getattr(schema(made), field) == getattr(schema(expected), field)
