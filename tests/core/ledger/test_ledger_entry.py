"""Canonical ledger entries and their validation."""

import hashlib

import pytest

from sd.archive.core.ledger.entry import EVENTS
from sd.archive.core.ledger.entry import canonical_json
from sd.archive.core.ledger.entry import code_title_digest
from sd.archive.core.ledger.entry import entry_bytes
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.entry import validate_entry
from sd.archive.core.ledger.errors import LedgerError

D = "ab" * 32
CODE = "J001-WS·2023-Y-BGS-0001"


def archive_entry(**changes):
    fields = dict(
        node="ledger.sd-archive.gov/lan",
        actor="records-officer",
        record="uid-1",
        code=CODE,
        title="关于印发档案工作要点的通知",
        content={"正本/正本.ofd": D},
        metadata=D,
        package=D,
        time="2024-05-06T10:11:12+08:00",
    )
    fields.update(changes)
    return make_entry("archive", **fields)


def test_canonical_form_is_sorted_compact_utf8():
    entry = archive_entry()
    data = entry_bytes(entry)
    assert data.startswith(b'{"actor":"records-officer","code":"J001-WS\xc2\xb7')
    assert b" " not in data.replace("关于印发档案工作要点的通知".encode(), b"")
    assert "正本/正本.ofd".encode() in data
    assert parse_entry(data) == entry
    assert (
        canonical_json({"b": 1, "a": [1, {"d": 1, "c": "中"}]})
        == '{"a":[1,{"c":"中","d":1}],"b":1}'.encode()
    )


def test_code_title_digest_is_sm3_of_code_newline_title():
    expected = hashlib.new("sm3", f"{CODE}\n标题".encode()).hexdigest()
    assert code_title_digest(CODE, "标题") == expected
    assert archive_entry(title="标题")["code_title"] == expected


def test_spec_events_are_listed():
    for event in (
        "pre-archive",
        "archive",
        "transfer-out",
        "receive",
        "return",
        "preserve",
        "fixity",
        "repair",
        "convert",
        "seal-strip",
        "export",
        "destroy",
        "node-admit",
        "node-remove",
    ):
        assert event in EVENTS


def test_node_events_need_no_record():
    entry = make_entry(
        "node-admit",
        node="ledger.sd-archive.gov/lan",
        actor="secadmin",
        time="2024-01-01T00:00:00Z",
    )
    assert validate_entry(entry) == []


def test_renewal_links():
    entry = archive_entry(alg="sha256", links=[{"origin": "o", "index": 3, "leaf_hash": D}])
    assert entry["alg"] == "sha256" and parse_entry(entry_bytes(entry)) == entry


@pytest.mark.parametrize(
    "change,code",
    [
        ({"v": 2}, "LEDGER-ENTRY-V"),
        ({"v": True}, "LEDGER-ENTRY-V"),
        ({"event": "publish"}, "LEDGER-ENTRY-EVENT"),
        ({"record": ""}, "LEDGER-ENTRY-RECORD"),
        ({"code": " "}, "LEDGER-ENTRY-CODE"),
        ({"actor": ""}, "LEDGER-ENTRY-ACTOR"),
        ({"node": 3}, "LEDGER-ENTRY-NODE"),
        ({"metadata": D.upper()}, "LEDGER-ENTRY-METADATA"),
        ({"package": D[:-2]}, "LEDGER-ENTRY-PACKAGE"),
        ({"code_title": "x"}, "LEDGER-ENTRY-CODE_TITLE"),
        ({"content": {"../etc/passwd": D}}, "LEDGER-ENTRY-CONTENT"),
        ({"content": {"/abs": D}}, "LEDGER-ENTRY-CONTENT"),
        ({"content": {"a": "zz"}}, "LEDGER-ENTRY-CONTENT"),
        ({"content": [D]}, "LEDGER-ENTRY-CONTENT"),
        ({"time": "2024-05-06 10:11:12"}, "LEDGER-ENTRY-TIME"),
        ({"time": "2024-05-06T10:11:12"}, "LEDGER-ENTRY-TIME"),
        ({"time": "2024-13-06T10:11:12Z"}, "LEDGER-ENTRY-TIME"),
        ({"alg": "md5"}, "LEDGER-ENTRY-ALG"),
        ({"links": []}, "LEDGER-ENTRY-LINKS"),
        ({"links": [{"origin": "o", "index": -1, "leaf_hash": D}]}, "LEDGER-ENTRY-LINKS"),
        ({"links": [{"origin": "o", "index": 1}]}, "LEDGER-ENTRY-LINKS"),
        ({"extra": 1}, "LEDGER-ENTRY-FIELD"),
        ({"links": [{"origin": "o", "index": 1.0, "leaf_hash": D}]}, "LEDGER-ENTRY-NUMBER"),
    ],
)
def test_invalid_entries(change, code):
    entry = dict(archive_entry(), **change)
    problems = validate_entry(entry)
    assert code in [p.code for p in problems]
    with pytest.raises(LedgerError):
        entry_bytes(entry)


def test_missing_field():
    entry = archive_entry()
    del entry["package"]
    assert [p.code for p in validate_entry(entry)] == ["LEDGER-ENTRY-PACKAGE"]


@pytest.mark.parametrize(
    "data",
    [
        b'{"v":1}',
        b"not json",
        b"\xff",
    ],
)
def test_parse_refuses_garbage(data):
    with pytest.raises(LedgerError):
        parse_entry(data)


def test_parse_refuses_non_canonical_and_duplicates():
    data = entry_bytes(archive_entry())
    with pytest.raises(LedgerError, match="canonical"):
        parse_entry(data.replace(b'","', b'", "', 1))
    with pytest.raises(LedgerError):
        parse_entry(data[:-1] + b',"v":1}')
