"""Findings after archiving (#28 items 3–5): names as suggestions and facets, duplicates by
digest and by near text, related records by a cited 文号, sensitive content for the
open-access review; answers recorded; bad input gives no finding and no error."""

import pytest
from findings_helpers import LETTER
from findings_helpers import NOTICE
from findings_helpers import VALID_ID
from findings_helpers import archived
from plone import api
from zope.interface import Invalid

from sd.archive.core.errors import ArchiveError
from sd.archive.mining.findings import decisions
from sd.archive.mining.findings import pairs
from sd.archive.mining.findings.settings import PATTERNS
from sd.archive.mining.findings.settings import valid_patterns
from sd.archive.mining.findings.store import analyse_record
from sd.archive.mining.findings.store import findings_of
from sd.archive.openreview.hints import hints_for
from sd.archive.search import engine

SENSITIVE = (
    f"联系人张伟，手机13812345678，身份证号{VALID_ID}，住址山东省济南市历下区泉城路12号。秘密★1年"
)


def catalog_values(record, index):
    from Products.CMFCore.indexing import processQueue

    processQueue()
    catalog = api.portal.get_tool("portal_catalog")
    rid = catalog.getrid("/".join(record.getPhysicalPath()))
    return catalog._catalog.getIndex(index).getEntryForObject(rid, default=None)


def test_names_found_after_archiving_are_facets(fonds):
    record = archived(fonds, 1, LETTER)
    kept = findings_of(record)
    assert "张伟" in kept["entities"]["people"]
    assert "济南市档案馆" in kept["entities"]["organisations"]
    assert "历下区" in kept["entities"]["places"]
    assert kept["citations"] == ["鲁档发〔2023〕7号"]
    # the record's description is untouched: a name is only a suggestion
    assert "张伟" not in (record.keywords or [])
    assert "张伟" in catalog_values(record, "mining_people")
    outcome = engine.run({"people": "张伟"})
    assert [b.UID for b in outcome.brains] == [record.UID()]
    people = dict(outcome.facets["people"])
    assert people["张伟"] == 1


def test_accepting_a_name_is_a_correction_rejecting_leaves_the_facets(fonds):
    record = archived(fonds, 1, LETTER)
    entry = decisions.answer_entity(record, "people", "张伟", "accepted")
    assert entry["decision"] == "accepted"
    assert "张伟" in record.keywords
    log = record.correction_log[-1]
    assert log["changes"][0]["field"] == "keywords" and "采纳挖掘建议" in log["reason"]
    decisions.answer_entity(record, "places", "历下区", "rejected", "不是本文主题")
    from sd.archive import audit

    actions = [e.action for e in audit.trail().pending()]
    assert "mining.finding.accepted" in actions and "mining.finding.rejected" in actions
    assert "历下区" not in (catalog_values(record, "mining_places") or [])
    assert findings_of(record)["decisions"]["places:历下区"]["reason"] == "不是本文主题"
    # analysed again (re-extraction): the answers stay, the rejected name stays out
    analyse_record(record)
    assert "历下区" not in (catalog_values(record, "mining_places") or [])


@pytest.mark.parametrize(
    "kind,name,answer,code",
    [
        ("people", "李四", "accepted", "FINDINGS-NAME"),
        ("persons", "张伟", "accepted", "FINDINGS-KIND"),
        ("people", "张伟", "maybe", "FINDINGS-ANSWER"),
    ],
)
def test_bad_answers_to_names_are_refused(fonds, kind, name, answer, code):
    record = archived(fonds, 1, LETTER)
    with pytest.raises(ArchiveError) as caught:
        decisions.answer_entity(record, kind, name, answer)
    assert code in [p.code for p in caught.value.problems]
    assert not findings_of(record)["decisions"]


def test_same_file_in_two_records_is_a_duplicate_pair(fonds):
    a = archived(fonds, 1, NOTICE)
    b = archived(fonds, 2, NOTICE)
    (pair,) = pairs.pairs_of(a.UID())
    assert pair["kind"] == "dup"
    assert set(pair["reasons"]) == {"same_file", "near_text"}
    assert pair["digests"] == [b["正本"].sm3] if "正本" in b else pair["digests"]
    assert pairs.pairs_of(b.UID())[0]["key"] == pair["key"]


def test_near_duplicate_text_is_found_other_text_is_not(fonds):
    a = archived(fonds, 1, LETTER)
    b = archived(fonds, 2, LETTER.replace("四次", "五次").replace("20日", "21日"))
    c = archived(fonds, 3, NOTICE)
    (pair,) = pairs.pairs_of(a.UID())
    assert pair["reasons"] == ["near_text"]
    assert pair["similarity"] >= 0.6
    assert {pair["a"], pair["b"]} == {a.UID(), b.UID()}
    assert pairs.pairs_of(c.UID()) == []


def test_a_pair_is_answered_and_the_answer_kept_with_its_history(fonds):
    archived(fonds, 1, NOTICE)
    b = archived(fonds, 2, NOTICE)
    key = pairs.pairs_of(b.UID())[0]["key"]
    decisions.answer_pair(key, "not_duplicate", "两份不同批次的通知")
    from sd.archive import audit

    logged = [e for e in audit.trail().pending() if e.action == "mining.pair.answered"]
    assert len(logged) == 2  # one entry for each record of the pair
    assert logged[0].details["answer"] == "not_duplicate"
    pair = decisions.answer_pair(key, "duplicate")
    assert pair["decision"] == "duplicate" and pair["by"]
    assert pair["history"][0]["decision"] == "not_duplicate"
    assert pairs.all_pairs(open_only=True) == []
    # analysed again: the decided pair stays decided
    analyse_record(b)
    assert pairs.get(key)["decision"] == "duplicate"
    with pytest.raises(ArchiveError) as caught:
        decisions.answer_pair(key, "related")
    assert caught.value.problems[0].code == "FINDINGS-ANSWER"
    with pytest.raises(ArchiveError) as caught:
        decisions.answer_pair("dup:x:y", "duplicate")
    assert caught.value.status == 404


@pytest.mark.parametrize("cited_first", [True, False])
def test_a_reply_citing_a_document_number_is_related_both_ways(fonds, cited_first):
    """The request may be archived before or after the reply that cites it."""

    def request():
        return archived(fonds, 1, NOTICE, document_number="鲁档发（2023）007号")

    def reply():
        return archived(fonds, 2, LETTER, document_number="鲁某馆报〔2023〕9号")

    first, second = (request(), reply()) if cited_first else (reply(), request())
    cited, citing = (first, second) if cited_first else (second, first)
    rel = [p for p in pairs.pairs_of(cited.UID()) if p["kind"] == "rel"]
    assert len(rel) == 1
    assert rel[0]["a"] == citing.UID() and rel[0]["b"] == cited.UID()
    assert rel[0]["cited"] == "鲁档发〔2023〕7号"
    assert [p["key"] for p in pairs.pairs_of(citing.UID()) if p["kind"] == "rel"] == [rel[0]["key"]]


def test_sensitive_content_is_a_hint_for_the_open_access_review(fonds):
    record = archived(fonds, 1, SENSITIVE)
    hints = hints_for(record)
    kinds = [h["kind"] for h in hints]
    assert kinds == ["mobile", "id_number", "address", "secret_marking"]
    assert all({"kind", "excerpt", "where"} <= set(h) for h in hints)
    id_hint = hints[1]
    assert id_hint.get("title", "身份证号") == "身份证号"  # the kind title, kept by the hook
    assert VALID_ID not in id_hint["excerpt"]
    assert "3701**********" in id_hint["excerpt"]
    assert id_hint["where"].startswith("正文.txt @")
    assert all("13812345678" not in h["excerpt"] for h in hints)


def test_configured_patterns_are_used_and_bad_ones_refused(fonds):
    api.portal.set_registry_record(PATTERNS, ["项目编号|XM-\\d{6}"])
    record = archived(fonds, 1, "本项目编号XM-123456，请各单位按期完成。" * 5)
    assert {h["kind"] for h in hints_for(record)} == {"项目编号"}
    with pytest.raises(Invalid):
        valid_patterns(["坏规则|([a-"])
    from zope.schema import ValidationError

    from sd.archive.mining.findings.settings import IFindingsSettings

    field = IFindingsSettings["sensitive_patterns"]
    with pytest.raises((Invalid, ValidationError)):
        field.validate(["坏规则|([a-"])


# --- bad input 异常输入 -------------------------------------------------------------------


def test_no_text_no_finding_no_error(fonds):
    record = archived(fonds, 1, "", data=b"")
    kept = findings_of(record)
    assert kept.get("entities", {}).get("people", []) == []
    assert kept.get("sensitive", []) == []
    assert hints_for(record) == []
    assert catalog_values(record, "mining_people") is None


def test_a_record_never_analysed_shows_nothing(fonds):
    record = archived(fonds, 1, SENSITIVE, extract=False)
    assert findings_of(record) == {}
    assert hints_for(record) == []  # no text kept yet: nothing to find


def test_text_in_another_language_has_no_names(fonds):
    record = archived(fonds, 1, "The annual report of the archives, signed in London. " * 20)
    kept = findings_of(record)
    assert kept["chinese"] is False
    assert kept["entities"] == {"people": [], "organisations": [], "places": []}


def test_huge_text_is_analysed_up_to_the_cap(fonds):
    record = archived(fonds, 1, LETTER * 1500 + f"身份证{VALID_ID}")
    kept = findings_of(record)
    assert kept["entities"]["people"]
    assert all(h["kind"] != "id_number" for h in kept["sensitive"])


def test_a_failing_analysis_does_not_stop_the_text_step(fonds, monkeypatch):
    from sd.archive.mining.findings import store

    def broken(*args, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "analyse", broken)
    record = archived(fonds, 1, LETTER)
    from sd.archive.text import record_text

    assert "张伟" in record_text(record)
    assert findings_of(record) == {}


def test_a_bad_pattern_kept_in_the_registry_is_skipped_the_good_ones_used(fonds):
    # written around the endpoint's check (an import, a script): read line by line
    api.portal.set_registry_record(PATTERNS, ["坏规则|([a-", "项目编号|XM-\\d{6}", "无分隔符"])
    record = archived(fonds, 1, SENSITIVE + "项目XM-654321。")
    kinds = {h["kind"] for h in hints_for(record)}
    assert {"mobile", "项目编号"} <= kinds
    assert "坏规则" not in kinds


def test_the_demo_shows_every_kind_of_finding(portal, fonds):
    from sd.archive.mining.findings.demo import make_findings_demo
    from sd.archive.text import queue

    made = {r.getId().rsplit("-", 1)[1]: r for r in make_findings_demo(portal)}
    assert sorted(made) == ["copy", "near", "notice", "register", "reply"]
    for record in made.values():
        queue.take(record.UID())
    notice = made["notice"].UID()
    found = {(p["a"] if p["b"] == notice else p["b"], p["kind"]): p for p in pairs.pairs_of(notice)}
    assert sorted(found) == sorted(
        [(made["copy"].UID(), "dup"), (made["near"].UID(), "dup"), (made["reply"].UID(), "rel")]
    )
    assert found[(made["copy"].UID(), "dup")]["reasons"] == ["same_file", "near_text"]
    assert found[(made["near"].UID(), "dup")]["reasons"] == ["near_text"]
    assert found[(made["reply"].UID(), "rel")]["a"] == made["reply"].UID()  # the reply cites
    assert "张伟" in findings_of(made["reply"])["entities"]["people"]
    kinds = {h["kind"] for h in hints_for(made["register"])}
    assert {"id_number", "mobile", "address", "secret_marking"} <= kinds
    assert make_findings_demo(portal) == []  # idempotent
