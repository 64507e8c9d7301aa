"""The Classic UI of corrections (@@correct): a records officer corrects with a reason."""

import re

import transaction


def _token(html):
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_correction_page_records_a_correction(frecord, officer):
    page = officer.get(f"{frecord.absolute_url()}", headers={"Accept": "text/html"})
    assert "@@correct" in page.text
    form = officer.get(f"{frecord.absolute_url()}/@@correct", headers={"Accept": "text/html"})
    assert form.status_code == 200
    assert "sd-correct-form" in form.text and "sd-correct-code-form" in form.text
    token = _token(form.text)
    refused = officer.post(
        f"{frecord.absolute_url()}/@@correct",
        headers={"Accept": "text/html"},
        data={
            "form.kind": "description",
            "_authenticator": token,
            "title": "页面上更正的题名",
            "reason": "",
        },
    )
    assert refused.status_code == 200 and "sd-correct-errors" in refused.text
    transaction.begin()
    assert not frecord.correction_log
    done = officer.post(
        f"{frecord.absolute_url()}/@@correct",
        headers={"Accept": "text/html"},
        data={
            "form.kind": "description",
            "_authenticator": token,
            "title": "页面上更正的题名",
            "reason": "题名有误",
        },
    )
    assert done.status_code == 200
    transaction.begin()
    assert frecord.Title() == "页面上更正的题名"
    assert frecord.correction_log[-1]["reason"] == "题名有误"
    assert [c["field"] for c in frecord.correction_log[-1]["changes"]] == ["title"]


def test_the_edit_form_of_an_archived_record_leads_to_corrections(frecord, officer):
    response = officer.get(f"{frecord.absolute_url()}/@@edit", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.url.endswith("/@@correct")


def test_a_pre_archived_record_keeps_its_edit_form(frecord, officer):
    from sd.archive.testing import make_record

    draft = make_record(frecord.__parent__, 5)
    transaction.commit()
    response = officer.get(f"{draft.absolute_url()}/@@edit", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert (
        response.url.endswith("/@@edit")
        and 'id="form-widgets-IDublinCore-title"' in response.text
        or "form-widgets-" in response.text
    )
