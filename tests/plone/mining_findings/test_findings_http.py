"""REST and pages of the findings (#28 items 3–5): @mining-findings, @mining-pairs,
@mining-patterns; @@mining-findings, @@mining-pairs, @@mining-compare, the workbench block and
the search facets — permissions, the one error shape, zh_CN pages without tracebacks."""

import json
import re

import pytest
import transaction
from findings_helpers import LETTER
from findings_helpers import NOTICE
from findings_helpers import VALID_ID
from findings_helpers import archived
from plone import api

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users
from sd.archive.testing import rest_session

USERS = {
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "archivist": (["Archivist"], []),
    "sysadmin": (["SystemAdministrator"], []),
    "other-officer": ([], []),
}
SENSITIVE = f"联系人张伟，手机13812345678，身份证号{VALID_ID}。秘密★1年。" * 3


@pytest.fixture
def site(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(USERS, fonds, "secret-12345", other=other)
    made = {
        "request": archived(fonds, 1, NOTICE, document_number="鲁档发〔2023〕7号"),
        "reply": archived(fonds, 2, LETTER + "\n" + SENSITIVE),
        "copy": archived(fonds, 3, NOTICE),
    }
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    transaction.commit()
    yield fportal, fonds, made
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()


def html_session(portal, user):
    session = rest_session(portal, user)
    session.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    return session


def token(html: str) -> str:
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_record_findings_over_rest(site):
    portal, _fonds, made = site
    url = f"{made['reply'].absolute_url()}/@mining-findings"
    body = rest_session(portal, "officer").get(url).json()
    people = {e["name"]: e["decision"] for e in body["entities"]["people"]}
    assert people["张伟"] == ""
    assert body["citations"] == ["鲁档发〔2023〕7号"]
    (rel,) = body["related"]
    assert rel["role"] == "cites" and rel["other"]["uid"] == made["request"].UID()
    assert "sensitive" not in body  # a records officer is no open-access reviewer
    reviewer = rest_session(portal, "archivist").get(url).json()
    kinds = {s["kind"] for s in reviewer["sensitive"]}
    assert {"mobile", "id_number", "secret_marking"} <= kinds
    assert VALID_ID not in str(reviewer) and "13812345678" not in str(reviewer)
    # the cited record shows the relation the other way
    cited = rest_session(portal, "officer").get(
        f"{made['request'].absolute_url()}/@mining-findings"
    )
    assert cited.json()["related"][0]["role"] == "cited_by"
    assert cited.json()["duplicates"][0]["other"]["uid"] == made["copy"].UID()


def test_record_findings_permissions(site):
    portal, _fonds, made = site
    url = f"{made['reply'].absolute_url()}/@mining-findings"
    for user in ("officer", "archivist"):
        assert rest_session(portal, user).get(url).status_code == 200, user
    for user in ("sysadmin", "other-officer"):
        assert rest_session(portal, user).get(url).status_code in (401, 403), user
    assert rest_session(portal).get(url).status_code == 401


def test_accept_and_refuse_names_over_rest(site):
    portal, _fonds, made = site
    url = f"{made['reply'].absolute_url()}/@mining-findings"
    session = rest_session(portal, "officer")
    answer = session.post(url, json={"action": "accept", "kind": "people", "name": "张伟"})
    assert answer.status_code == 200, answer.text[:1000]
    assert answer.json()["entry"]["decision"] == "accepted"
    transaction.begin()
    assert "张伟" in made["reply"].keywords
    for body, status, code in [
        ({"action": "maybe", "kind": "people", "name": "张伟"}, 400, "FINDINGS-ANSWER"),
        ({"action": "reject", "kind": "persons", "name": "张伟"}, 400, "FINDINGS-KIND"),
        ({"action": "reject", "kind": "people", "name": "李四"}, 404, "FINDINGS-NAME"),
        (
            {"action": "reject", "kind": "people", "name": "张伟", "reason": 5},
            400,
            "FINDINGS-REASON",
        ),
    ]:
        response = session.post(url, json=body)
        assert response.status_code == status, (body, response.text[:500])
        error = response.json()
        assert error["errors"][0]["code"] == code and error["message"]
    assert session.post(url, data="not json").status_code == 400


def test_pairs_queue_and_answers_over_rest(site):
    portal, _fonds, made = site
    url = f"{portal.absolute_url()}/@mining-pairs"
    officer = rest_session(portal, "officer")
    body = officer.get(url).json()
    kinds = sorted(item["kind"] for item in body["items"])
    assert body["items_total"] == 2 and kinds == ["dup", "rel"]
    assert rest_session(portal, "other-officer").get(url).json()["items_total"] == 0
    assert rest_session(portal).get(url).status_code == 401
    assert officer.get(f"{url}?kind=xyz").status_code == 400
    dup = next(i for i in body["items"] if i["kind"] == "dup")
    assert dup["reasons"] == ["same_file", "near_text"] and dup["digests"]
    refused = rest_session(portal, "other-officer").post(
        url, json={"pair": dup["key"], "answer": "duplicate"}
    )
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == (
        "FINDINGS-PERMISSION"
    )
    assert officer.post(url, json={"pair": dup["key"], "answer": "related"}).status_code == 400
    assert officer.post(url, json={"pair": "dup:a:b", "answer": "duplicate"}).status_code == 404
    done = officer.post(url, json={"pair": dup["key"], "answer": "duplicate", "reason": "重复归档"})
    assert done.status_code == 200, done.text[:1000]
    assert done.json()["decision"] == "duplicate" and done.json()["by"] == "officer"
    assert officer.get(f"{url}?kind=dup").json()["items_total"] == 0


def test_patterns_replaced_whole_or_refused_whole(site):
    portal, _fonds, _made = site
    url = f"{portal.absolute_url()}/@mining-patterns"
    admin = rest_session(portal, "sysadmin")
    good = {"patterns": [{"name": "项目编号", "pattern": "XM-\\d{6}"}]}
    response = admin.put(url, json=good)
    assert response.status_code == 200, response.text[:1000]
    assert response.json()["patterns"] == good["patterns"]
    assert admin.get(url).json()["patterns"] == good["patterns"]
    bad = {
        "patterns": [
            {"name": "项目编号", "pattern": "XM-\\d{6}"},
            {"name": "坏规则", "pattern": "([a-"},
            {"name": "空匹配", "pattern": "a*"},
        ]
    }
    refused = admin.put(url, json=bad)
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [e["object"] for e in errors] == ["坏规则", "空匹配"]
    assert {e["code"] for e in errors} == {"FINDINGS-PATTERN-REGEX"}
    assert admin.put(url, json={"patterns": "x"}).status_code == 400
    # refused whole: the list kept is the one before
    assert admin.get(url).json()["patterns"] == good["patterns"]
    assert rest_session(portal, "officer").get(url).status_code in (401, 403)


def test_pages_in_chinese_answer_a_name_and_a_pair(site):
    portal, _fonds, made = site
    session = html_session(portal, "officer")
    record_page = session.get(made["reply"].absolute_url())
    assert f"{made['reply'].absolute_url()}/@@mining-findings" in record_page.text
    page = session.get(f"{made['reply'].absolute_url()}/@@mining-findings")
    assert page.status_code == 200
    html = page.text
    assert "档案文本挖掘发现" in html and "张伟" in html and "采纳为主题词" in html
    assert "鲁档发〔2023〕7号" in html and "引用" in html
    assert "Traceback" not in html
    done = session.post(
        f"{made['reply'].absolute_url()}/@@mining-findings",
        data={"_authenticator": token(html), "action": "reject", "kind": "people", "name": "张伟"},
    )
    assert done.status_code == 200 and "已记录您的处理意见" in done.text
    refused = session.post(
        f"{made['reply'].absolute_url()}/@@mining-findings",
        data={"_authenticator": token(html), "action": "accept", "kind": "people", "name": "李四"},
    )
    assert refused.status_code == 404 and "该名称不是本档案的挖掘建议" in refused.text
    assert "Traceback" not in refused.text

    queue = session.get(f"{portal.absolute_url()}/@@mining-pairs")
    assert queue.status_code == 200 and "待确认的重复档案与关联档案" in queue.text
    key = re.search(r'data-key="(dup:[^"]+)"', queue.text).group(1)
    compare = session.get(f"{portal.absolute_url()}/@@mining-compare?pair={key}")
    assert compare.status_code == 200
    assert "两件档案对比" in compare.text and "同一文件" in compare.text
    assert made["request"].archival_code in compare.text
    assert made["copy"].archival_code in compare.text
    answered = session.post(
        f"{portal.absolute_url()}/@@mining-compare",
        data={"_authenticator": token(compare.text), "pair": key, "answer": "not_duplicate"},
    )
    assert answered.status_code == 200 and "不是重复" in answered.text


def test_pages_refuse_without_a_traceback(site):
    portal, _fonds, made = site
    missing = html_session(portal, "officer").get(
        f"{portal.absolute_url()}/@@mining-compare?pair=dup:a:b"
    )
    assert missing.status_code == 404 and "未找到该组档案" in missing.text
    key = f"dup:{min(made['request'].UID(), made['copy'].UID())}:"
    key += max(made["request"].UID(), made["copy"].UID())
    other = html_session(portal, "other-officer").get(
        f"{portal.absolute_url()}/@@mining-compare?pair={key}"
    )
    assert other.status_code == 403 and "您无权查看或确认这组档案" in other.text
    for response in (missing, other):
        assert "Traceback" not in response.text


def test_workbench_block_and_search_facets(site):
    portal, _fonds, made = site
    session = html_session(portal, "officer")
    workbench = session.get(f"{portal.absolute_url()}/@@workbench")
    assert workbench.status_code == 200
    block = workbench.text.split('id="sd-wb-mining-findings"')[1].split("</section>")[0]
    assert "重复档案" in block and "关联档案" in block
    assert re.search(r"sd-wb-mining-duplicates.*?sd-count[^>]*>1<", block, re.S)
    search = session.get(f"{portal.absolute_url()}/@@archive-search?people=张伟")
    assert search.status_code == 200
    assert "人名" in search.text and made["reply"].archival_code in search.text
    rest = rest_session(portal, "officer").get(
        f"{portal.absolute_url()}/@archive-search?organisations=济南市档案馆"
    )
    body = rest.json()
    assert [i["@id"] for i in body["items"]] == [made["reply"].absolute_url()]
    assert {"people", "organisations", "places"} <= set(body["facets"])


def test_the_public_catalogue_lists_no_names_of_people(site):
    portal, _fonds, made = site
    record = made["reply"]
    # an open record (开放): through 已接收 like a record of the holdings, then 开放
    workflow = api.portal.get_tool("portal_workflow")
    status = dict(workflow.getStatusOf("sd_record_workflow", record), review_state="received")
    workflow.setStatusOf("sd_record_workflow", record, status)
    workflow.getWorkflowById("sd_record_workflow").updateRoleMappingsFor(record)
    api.content.transition(record, transition="open")
    transaction.commit()
    query = f"{portal.absolute_url()}/@archive-search?q=档案"
    public = rest_session(portal).get(query).json()
    assert public["items_total"] == 1  # the public catalogue finds it (rows without links)
    assert "people" not in public["facets"] and "organisations" in public["facets"]
    assert "people" in rest_session(portal, "officer").get(query).json()["facets"]


def test_the_script_analyses_existing_records_again(site, functional, monkeypatch, capsys):
    """scripts/findings.py analyse (zconsole run): a site whose records were archived before
    the findings existed gets them; the answers already given stay."""
    import runpy
    from pathlib import Path

    from sd.archive.mining.findings import pairs
    from sd.archive.mining.findings.store import KEY

    portal, _fonds, made = site
    from zope.annotation.interfaces import IAnnotations

    del IAnnotations(made["reply"])[KEY]
    transaction.commit()
    script = Path(__file__).resolve().parents[3] / "scripts" / "findings.py"
    monkeypatch.setattr("sys.argv", [str(script), "analyse", "--site", portal.getId()])
    runpy.run_path(str(script), init_globals={"app": functional["app"]})
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[0]) == {"analysed": 3}
    assert json.loads(lines[1])["waiting"] == {"dup": 1, "rel": 1}
    transaction.begin()
    assert "张伟" in IAnnotations(made["reply"])[KEY]["entities"]["people"]
    assert len(pairs.all_pairs()) == 2
