"""Classic UI of access (档案利用): the request form, the request page with its decision
form, the copy, the register page; refusals on the page, never a traceback."""

import pytest
import transaction
from plone.testing.zope import Browser

from sd.archive.access import requests


@pytest.fixture
def browse(fportal):
    from plone import api

    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    fportal.setLanguage("zh-cn")
    transaction.commit()

    def make(user):
        browser = Browser(fportal.aq_parent)
        browser.handleErrors = True
        browser.raiseHttpErrors = False
        browser.addHeader("Accept-Language", "zh-cn")
        browser.addHeader("Authorization", f"Basic {user}:secret-12345")
        return browser

    return make


def _form_index(browser):
    """The index of the request form among the page's forms (Plone's search form is first)."""
    for index in range(10):
        form = browser.getForm(index=index)
        if "request-access" in (form.action or ""):
            return index
    raise AssertionError("no request form")


def test_request_form_decision_copy_register(fholdings, fportal, browse):
    portal_url = fportal.absolute_url()
    reader = browse("reader")
    record = fholdings["received"]
    reader.open(f"{portal_url}/@@request-access?records={record.UID()}")
    assert "申请利用" in reader.contents or "利用申请" in reader.contents
    assert record.archival_code in reader.contents
    reader.getControl(name="form").value = ["download"]
    reader.getControl(name="purpose_text").value = "编写单位志"
    reader.getForm(index=_form_index(reader)).submit()
    assert "/access-requests/ly-" in reader.url
    number = reader.url.rsplit("/", 1)[1].upper()
    assert number in reader.contents and "待审批" in reader.contents

    archivist = browse("archivist")
    archivist.open(f"{portal_url}/@@access-queue")
    assert number in archivist.contents
    archivist.open(reader.url)
    archivist.getControl(name="decide", index=1).click()  # refuse without a reason
    assert "拒绝须说明理由" in archivist.contents
    assert "Traceback" not in archivist.contents
    archivist.open(reader.url)
    archivist.getControl(name="decide", index=0).click()
    assert "已批准" in archivist.contents

    reader.open(reader.url)
    assert "下载" in reader.contents
    reader.open(f"{reader.url}/@@access-copy?record={record.UID()}")
    assert reader.headers["Content-Type"] == "application/pdf"
    assert reader.contents.startswith(b"%PDF") if isinstance(reader.contents, bytes) else True

    archivist.open(f"{portal_url}/@@use-register?number={number}")
    assert "下载复制件" in archivist.contents and number in archivist.contents
    archivist.open(f"{portal_url}/@@use-register?since=not-a-day")
    assert "Traceback" not in archivist.contents


def test_refused_copy_is_a_page_with_the_reason(fholdings, fportal, browse):
    from plone.app.testing import login

    login(fportal, "reader")
    request = requests.create_request(
        {"purpose": "work", "records": [fholdings["received"].UID()], "form": "online"}
    )
    transaction.commit()
    reader = browse("reader")
    reader.open(f"{request.absolute_url()}/@@access-copy?record={fholdings['received'].UID()}")
    assert reader.headers["status"].startswith("403")
    assert "申请未获批准" in reader.contents


def test_other_users_do_not_see_a_request(fholdings, fportal, browse):
    from plone.app.testing import login

    login(fportal, "reader")
    request = requests.create_request({"purpose": "work", "records": [fholdings["received"].UID()]})
    transaction.commit()
    other = browse("reader2")
    other.open(request.absolute_url())
    assert request.request_number not in other.contents
    other.open(f"{fportal.absolute_url()}/@@my-access-requests")
    assert request.request_number not in other.contents
    other.open(f"{fportal.absolute_url()}/@@use-register")
    assert request.request_number not in other.contents
