"""件号/档号 allocation: both grammars, frozen codes, corrections, concurrency."""

import threading

import pytest
import transaction
from BTrees.OOBTree import OOBTree
from OFS.Folder import Folder
from plone import api
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError
from zope.annotation.attribute import AttributeAnnotations
from zope.annotation.interfaces import IAttributeAnnotatable
from zope.component import provideAdapter
from zope.interface import classImplements

from sd.archive.core.codes import SeriesKey
from sd.archive.numbering import CodeChangeRefused
from sd.archive.numbering import accept_code
from sd.archive.numbering import allocate_item_number
from sd.archive.numbering import assign_code
from sd.archive.numbering import change_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record


@pytest.mark.parametrize(
    "grammar,use_org,org,expected",
    [
        ("DA/T 22-2015", True, "BGS", ["J001-WS·2023-Y-BGS-0001", "J001-WS·2023-Y-BGS-0002"]),
        ("DA/T 22-2015", False, "", ["J001-WS·2023-Y-0001", "J001-WS·2023-Y-0002"]),
        ("DA/T 13-2022", True, "BGS", ["J001-WS·2023·Y·BGS-0001", "J001-WS·2023·Y·BGS-0002"]),
        ("DA/T 13-2022", False, "", ["J001-WS·2023·Y-0001", "J001-WS·2023·Y-0002"]),
    ],
)
def test_grammars(manager, grammar, use_org, org, expected):
    fonds = make_fonds(manager, grammar=grammar, use_org_code=use_org)
    codes = [assign_code(make_record(fonds, n), "WS", 2023, "Y", org) for n in (1, 2)]
    assert codes == expected


def test_series_are_independent(fonds):
    a = assign_code(make_record(fonds, 1), "WS", 2023, "Y", "BGS")
    b = assign_code(make_record(fonds, 2), "WS", 2023, "D30", "BGS")
    c = assign_code(make_record(fonds, 3), "WS", 2023, "Y", "BGS")
    d = assign_code(make_record(fonds, 4), "WS", 2022, "Y", "BGS")
    assert [a, b, c, d] == [
        "J001-WS·2023-Y-BGS-0001",
        "J001-WS·2023-D30-BGS-0001",
        "J001-WS·2023-Y-BGS-0002",
        "J001-WS·2022-Y-BGS-0001",
    ]


def test_code_is_indexed(portal, fonds):
    record = make_record(fonds)
    code = assign_code(record, "WS", 2023, "Y", "BGS")
    assert [b.UID for b in api.content.find(archival_code=code)] == [record.UID()]
    brain = api.content.find(UID=record.UID())[0]
    assert (brain.archive_year, brain.category_code, brain.retention_period) == (2023, "WS", "Y")


def test_assigned_code_is_frozen(fonds):
    record = make_record(fonds)
    assign_code(record, "WS", 2023, "Y", "BGS")
    assert record.code_frozen
    with pytest.raises(CodeChangeRefused):
        assign_code(record, "WS", 2023, "Y", "BGS")


def test_change_needs_reason_and_is_audited(fonds):
    record = make_record(fonds)
    assign_code(record, "WS", 2023, "Y", "BGS")
    with pytest.raises(CodeChangeRefused):
        change_code(record, "", retention="D30")
    new = change_code(record, "保管期限鉴定调整", retention="D30")
    assert new == "J001-WS·2023-D30-BGS-0001"
    assert [e["action"] for e in record.code_log] == ["assign", "change"]
    assert record.code_log[-1]["old"] == "J001-WS·2023-Y-BGS-0001"
    assert record.code_log[-1]["reason"] == "保管期限鉴定调整"


def test_accepted_code_moves_counter(fonds):
    accept_code(make_record(fonds, 1), "J001-WS·2023-Y-BGS-0007")
    assert assign_code(make_record(fonds, 2), "WS", 2023, "Y", "BGS") == "J001-WS·2023-Y-BGS-0008"


def test_accept_normalises_legacy_input(fonds):
    code = accept_code(make_record(fonds, 1), "J001－WS.2023－Y－BGS－0003")
    assert code == "J001-WS·2023-Y-BGS-0003"


class Fonds(Folder):
    """A minimal persistent fonds: what numbering needs (path, annotations, a jar)."""


classImplements(Fonds, IAttributeAnnotatable)


@pytest.mark.parametrize("threads,per_thread,series", [(8, 25, 1), (8, 20, 3)])
def test_concurrent_allocation_no_duplicates_no_gaps(tmp_path, threads, per_thread, series):
    """8 threads, each with its own connection and transaction, on a real FileStorage
    (DemoStorage, under the test layers, has no conflict resolution at all)."""
    provideAdapter(AttributeAnnotations)
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    with db.transaction() as conn:
        conn.root()["fonds"] = Fonds("j001")
        for n in range(threads):  # one result tree per thread: only the counters are shared
            conn.root()[f"records-{n}"] = OOBTree()
    keys = [
        SeriesKey("J001", "WS", 2023, ["Y", "D30", "D10"][i % series], "BGS") for i in range(series)
    ]
    errors, retries = [], []

    def worker(n):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            for i in range(per_thread):
                key = keys[(n + i) % series]
                for attempt in range(5):
                    try:
                        tm.begin()
                        root = conn.root()
                        number = allocate_item_number(root["fonds"], key)
                        root[f"records-{n}"][i] = (str(key), number)
                        tm.commit()
                        break
                    except ConflictError as exc:
                        tm.abort()
                        retries.append(repr(exc))
                        if attempt == 4:
                            errors.append(repr(exc))
        finally:
            tm.abort()
            conn.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    with db.transaction() as conn:
        by_series = {}
        for n in range(threads):
            for key, number in conn.root()[f"records-{n}"].values():
                by_series.setdefault(key, []).append(number)
    assert sum(len(v) for v in by_series.values()) == threads * per_thread
    for numbers in by_series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # conflicts only where a brand-new series counter is created by two threads at once
    assert len(retries) <= series * threads
    db.close()
