"""No JSON on a page a person sees (页面不显示 JSON): the add and edit forms of a record leave
the logs out; an archived record's file is not replaced through its edit form."""

import transaction
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session

OMITTED = ("process_history", "correction_log", "seal_findings", "strip_log")


def test_record_edit_form_has_no_json(zh_site, zh_page):
    fonds = make_fonds(zh_site)
    record = make_record(fonds, 1, process_history=[{"sequence": 1, "activity": "拟稿"}])
    transaction.commit()
    session = rest_session(zh_site, "admin")
    html = zh_page(session, f"{record.absolute_url()}/edit")
    assert 'name="form.widgets.IRecordsMetadata.title"' in html or "form.widgets" in html
    for name in OMITTED:
        assert f".{name}" not in html, name
    assert "[]" not in html.split('id="content-core"')[-1].split("</form>")[0]
    added = zh_page(session, f"{fonds.absolute_url()}/++add++Record")
    for name in OMITTED:
        assert f".{name}" not in added, name
    # REST keeps the fields
    body = session.get(record.absolute_url(), headers={"Accept": "application/json"}).json()
    assert body["process_history"] == [{"sequence": 1, "activity": "拟稿"}]
    assert "seal_findings" in body


def test_archived_component_edit_goes_to_record(zh_site):
    fonds = make_fonds(zh_site)
    record = make_record(fonds, 1)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    session = rest_session(zh_site, "admin")
    session.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN"})
    response = session.get(f"{record['c001'].absolute_url()}/edit")
    assert response.status_code == 200, response.text[:2000]
    assert response.url == record.absolute_url()
    assert "已归档档案的电子文件不能替换" in response.text
    assert "RecordProtected" not in response.text


def test_pre_archived_component_edit_form(zh_site, zh_page):
    fonds = make_fonds(zh_site)
    record = make_record(fonds, 1)
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), f"{record['c001'].absolute_url()}/edit")
    assert "form.widgets.file" in html


def test_seal_panel_shows_whose_certificate(manager):
    """The seal settings panel names the certificate's subject and validity (北京时间)."""
    from zope.interface import alsoProvides

    from sd.archive.core.seals.seal_key import make_demo_key
    from sd.archive.interfaces import ISdArchiveLayer

    api.portal.set_registry_record(
        "sd.archive.seals.archiving_seal_certificate", make_demo_key().cert.decode()
    )
    alsoProvides(manager.REQUEST, ISdArchiveLayer)
    html = manager.restrictedTraverse("@@sd-archive-seals")()
    block = html.split("fieldname-form.widgets.archiving_seal_certificate")[1]
    described = block.split("fieldname-form.widgets.")[0]
    assert "有效期" in described and "北京时间" in described
