"""What the ledger tells the public (账本公开范围): checkpoints and proofs to anyone; the code,
title, file names and account of a record only to who may View it, and to witnessing nodes."""

import types

import transaction
from plone import api

from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.ledger import disclosure
from sd.archive.ledger import node as nodes
from sd.archive.testing import rest_session


def entries_of(session, record):
    return session.get(
        "@ledger/entries", params={"start": record.ledger_index, "end": record.ledger_index + 1}
    ).json()


def secrets(record) -> list[str]:
    return [record.archival_code, record.title, "正本.pdf", record.UID(), "test_user_1_"]


def test_anonymous_entries_and_page_name_no_record_that_is_not_open(anonymous, admin, unique):
    record, _files = unique
    assert anonymous.get(record.absolute_url()).status_code == 401
    answer = entries_of(anonymous, record)
    entry = answer["entries"][0]
    assert entry["redacted"] and entry["index"] == record.ledger_index
    assert entry["leaf_hash"] == record.leaf_hash and len(entry["content"]) == 2
    assert entry["code"] == entry["actor"] == entry["record"] == ""
    page = anonymous.get("@@ledger", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Recent entries" in page.text
    for secret in secrets(record):
        assert secret not in str(answer) and secret not in page.text, secret
    # the proof stays public, and who may View the record gets the entry itself
    proof = anonymous.get("@ledger/proof", params={"index": record.ledger_index}).json()
    assert proof["leaf_hash"] == record.leaf_hash
    whole = entries_of(admin, record)["entries"][0]
    assert leaf_hash(whole.encode("utf-8"), "sm3").hex() == record.leaf_hash
    assert record.archival_code in whole


def test_who_may_view_the_record_is_told_its_entry(fportal, unique):
    record, _files = unique
    api.user.create(email="r@example.org", username="reader", password="secret-12345")
    api.user.grant_roles(username="reader", obj=record, roles=["Reader"])
    record.reindexObjectSecurity()
    transaction.commit()
    entry = entries_of(rest_session(fportal, "reader"), record)["entries"][0]
    assert isinstance(entry, str) and record.archival_code in entry


def test_an_admitted_witness_gets_the_entries_whole(fportal, anonymous, unique):
    record, _files = unique
    key = NodeKey.generate("peer.example.org/log")
    peer = types.SimpleNamespace(origin=key.name, node=types.SimpleNamespace(key=key))
    signed = disclosure.witness_header(peer)
    anonymous.headers.update(signed)  # not admitted (yet): redacted
    assert entries_of(anonymous, record)["entries"][0]["redacted"]
    nodes.admit(AdmittedNode(origin=key.name, vkey=key.vkey))
    transaction.commit()
    assert isinstance(entries_of(anonymous, record)["entries"][0], str)
    anonymous.headers.update({disclosure.WITNESS_HEADER: "bm90IGEgbm90ZQ=="})
    assert entries_of(anonymous, record)["entries"][0]["redacted"]
