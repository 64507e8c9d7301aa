"""Reads of record content are logged: the record page, REST reads, file downloads, @export."""

import pytest


def test_record_page_view_is_logged(frecord, session, logged):
    officer = session("officer")
    officer.headers["Accept"] = "text/html"
    assert officer.get(frecord.absolute_url()).status_code == 200
    [view] = logged(action="record.view")
    assert view.actor == "officer" and view.uid == frecord.UID()
    assert view.code == frecord.archival_code and view.path == "/".join(frecord.getPhysicalPath())
    assert view.ip == "127.0.0.1" and view.details["method"] == "GET"


@pytest.mark.parametrize("view_name", ["@@download/file", "@@display-file/file"])
def test_component_download_is_logged(frecord, session, logged, view_name):
    component = frecord.objectValues()[0]
    response = session("officer").get(f"{component.absolute_url()}/{view_name}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    [download] = logged(action="file.download")
    assert download.actor == "officer" and download.uid == component.UID()
    assert download.code == frecord.archival_code  # a file carries its record's code


def test_rest_get_and_export_are_logged(frecord, session, logged):
    officer = session("officer")
    assert officer.get(frecord.absolute_url()).status_code == 200
    assert officer.get(f"{frecord.absolute_url()}/@export").status_code == 200
    assert [e.actor for e in logged(action="record.read")] == ["officer"]
    [export] = logged(action="record.export")
    assert export.uid == frecord.UID() and export.outcome == "ok"


def test_refused_read_is_logged_as_refused(frecord, session, logged):
    response = session("sysadmin").get(frecord.absolute_url())
    assert response.status_code in (401, 403)
    [refused] = logged(outcome="refused")
    assert refused.details["login"] == "sysadmin" and refused.details["method"] == "GET"
    assert refused.path.endswith(frecord.getId())


def test_plain_pages_are_not_logged(frecord, session, logged):
    before = len(logged())
    session("officer").get("@navigation")
    assert len(logged()) == before


def test_verification_is_logged(frecord, session, logged):
    response = session().post("@verify", json={"digest": "0" * 64})
    assert response.status_code == 200, response.text
    [verify] = logged(action="evidence.verify")
    assert verify.actor == "anonymous" and verify.details["method"] == "POST"
