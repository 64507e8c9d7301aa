"""POST {fonds}/@batch-describe over HTTP (#24.3): preview, apply, nothing stored on refusal."""

import transaction

from sd.archive.catalogues import batch as batch_module
from sd.archive.core.errors import ArchiveError


def body(ffonds, **extra):
    records = sorted(ffonds.objectValues(), key=lambda r: r.archival_code)
    return records, {
        "uids": [r.UID() for r in records],
        "field": "author",
        "value": "综合处",
        "reason": "机构更名",
        **extra,
    }


def test_preview_then_apply(ffonds, session):
    records, payload = body(ffonds)
    officer = session("officer")
    url = f"{ffonds.absolute_url()}/@batch-describe"
    preview = officer.post(url, json=payload)
    assert preview.status_code == 200, preview.text
    assert preview.json()["errors"] == []
    assert [r["action"] for r in preview.json()["records"]] == ["correct"] * 3
    transaction.begin()
    assert {r.author for r in records} != {"综合处"}
    applied = officer.post(url, json={**payload, "preview": False})
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] == 3
    transaction.begin()
    assert {r.author for r in records} == {"综合处"}
    assert all(r.correction_log[-1]["reason"] == "机构更名" for r in records)


def test_a_refusal_while_writing_stores_nothing(ffonds, session, monkeypatch):
    records, payload = body(ffonds)
    calls = []
    real = batch_module.correct_description

    def failing_second(record, values, reason):
        calls.append(record)
        if len(calls) == 2:
            raise ArchiveError("record differs from its ledger entry", [], 409, "Tampered")
        return real(record, values, reason)

    monkeypatch.setattr(batch_module, "correct_description", failing_second)
    response = session("officer").post(
        f"{ffonds.absolute_url()}/@batch-describe", json={**payload, "preview": False}
    )
    assert response.status_code == 409, response.text
    error = response.json()["errors"][0]
    assert error["code"] == "BATCH-WRITE"
    assert error["object"] == records[1].archival_code
    transaction.begin()
    assert "综合处" not in {r.author for r in records}  # the first one was not kept either
    assert all(not (r.correction_log or []) for r in records)


def test_refused_for_members_without_the_permission(ffonds, session):
    _, payload = body(ffonds)
    response = session("stranger").post(f"{ffonds.absolute_url()}/@batch-describe", json=payload)
    assert response.status_code in (401, 403)


def test_page_preview_then_apply(zh, ffonds, session):
    records, payload = body(ffonds)
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    url = f"{ffonds.absolute_url()}/@@batch-describe"
    page = officer.get(url)
    assert page.status_code == 200
    assert "批量著录" in page.text and "checked" not in page.text.split('id="sd-batch-records"')[1]
    token = page.text.split('name="_authenticator" value="')[1].split('"')[0]
    form = {
        "_authenticator": token,
        "uids:list": payload["uids"],
        "field": "pages",
        "value": "5",
        "reason": "页数核对",
    }
    preview = officer.post(url, data={**form, "form.preview": "1"})
    assert preview.status_code == 200
    assert preview.text.count("著录更正") >= 3 and 'id="sd-batch-errors"' not in preview.text
    transaction.begin()
    assert {r.pages for r in records} != {5}
    no_reason = officer.post(url, data={**form, "reason": "", "form.apply": "1"})
    assert 'id="sd-batch-errors"' in no_reason.text and "CORRECTION-REASON" in no_reason.text
    transaction.begin()
    assert {r.pages for r in records} != {5}
    applied = officer.post(url, data={**form, "form.apply": "1"})
    assert 'id="sd-batch-applied"' in applied.text, applied.text[-3000:]
    transaction.begin()
    assert {r.pages for r in records} == {5}
