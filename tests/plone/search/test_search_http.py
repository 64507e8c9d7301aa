"""GET @archive-search, plone.restapi's @search and the @@archive-search page over HTTP."""

import pytest


def test_rest_search_with_facets_and_highlight(fsearch, session):
    response = session("officer").get("/@archive-search", params={"q": "财务"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items_total"] == 2
    assert {i["archival_code"] for i in body["items"]} == {
        fsearch["archived"].archival_code,
        fsearch["open"].archival_code,
    }
    row = next(i for i in body["items"] if i["UID"] == fsearch["archived"].UID())
    assert row["highlight"]["title"] == "<mark>财务</mark>预算报告"
    assert "<mark>财务</mark>" in row["highlight"]["snippet"]
    assert row["review_state_title"] == "已归档"
    assert row["year"] == 2023
    assert {f["value"]: f["count"] for f in body["facets"]["review_state"]} == {
        "archived": 1,
        "open": 1,
    }


def test_rest_anonymous_public_catalogue(fsearch, session):
    body = session().get("/@archive-search", params={"q": "财务"}).json()
    assert [i["UID"] for i in body["items"]] == [fsearch["open"].UID()]
    assert body["items"][0]["@id"] == ""  # no record page for anonymous visitors
    assert body["facets"]["review_state"] == [{"value": "open", "count": 1}]


@pytest.mark.parametrize(
    "params, code",
    [
        ({"q": "财" * 10_000}, "SEARCH-QUERY-LENGTH"),
        ({"date_from": "2023-02-30"}, "SEARCH-DATE"),
        ({"year": "abc"}, "SEARCH-YEAR"),
    ],
)
def test_rest_bad_input_is_400_in_error_shape(fsearch, session, params, code):
    response = session("officer").get("/@archive-search", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "BadSearchQuery"
    assert body["errors"][0]["code"] == code


@pytest.mark.parametrize("q", ['财务 AND "', "NOT *", "((", "财务*", "? OR"])
def test_rest_operators_are_text_never_500(fsearch, session, q):
    response = session("officer").get("/@archive-search", params={"q": q})
    assert response.status_code == 200, response.text


def test_plone_search_endpoint_uses_jieba(fsearch, session):
    response = session("officer").get(
        "/@search", params={"SearchableText": "财务", "portal_type": "Record"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["items_total"] == 2
    response = session("officer").get(
        "/@search", params={"SearchableText": "理财", "portal_type": "Record"}
    )
    assert response.json()["items_total"] == 0
    anonymous = session().get("/@search", params={"SearchableText": "财务"}).json()
    assert [i["@id"].rsplit("/", 1)[-1] for i in anonymous["items"]] == [fsearch["open"].getId()]


HTML = {"Accept": "text/html"}


def test_page_for_staff(fsearch, session):
    response = session("officer").get("/@@archive-search", params={"q": "财务预算"}, headers=HTML)
    assert response.status_code == 200
    html = response.text
    assert 'id="sd-search-results"' in html
    assert fsearch["archived"].archival_code in html
    assert "<mark>财务预算</mark>" in html
    assert 'id="facet-review_state"' in html
    assert "Traceback" not in html


def test_page_bad_input_shows_error_not_500(fsearch, session):
    response = session("officer").get(
        "/@@archive-search", params={"date_from": "2023-99-99"}, headers=HTML
    )
    assert response.status_code == 400
    assert 'id="sd-search-error"' in response.text


def test_page_for_anonymous_is_the_public_catalogue(fsearch, session):
    html = session().get("/@@archive-search", params={"q": "财务"}, headers=HTML).text
    assert fsearch["open"].archival_code in html
    assert fsearch["archived"].archival_code not in html
    assert fsearch["open"].absolute_url() + '"' not in html  # no record page link
    # where the fonds allows no public reading, the row leads to an access request (申请利用)
    assert f"@@request-access?records={fsearch['open'].UID()}" in html


def test_public_front_page_has_search_box(fsearch, session):
    html = session().get("/", headers=HTML).text
    assert 'id="sd-public-search"' in html


def test_navigation_links_search_for_every_role(fsearch, session):
    html = session("officer").get("/", headers=HTML).text
    assert "@@archive-search" in html


def test_openapi_documents_archive_search(fsearch, session):
    doc = session().get("/@openapi").json()
    op = doc["paths"]["/@archive-search"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"q", "archival_code", "archival_code_prefix", "date_from", "fonds", "sort_on"} <= names
    assert "400" in op["responses"]


@pytest.mark.parametrize("text", ['"财务', "财务 AND", "NOT", "*", "((财务"])
def test_plone_search_endpoint_odd_text_never_500(fsearch, session, text):
    response = session("officer").get("/@search", params={"SearchableText": text})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["errors"][0]["code"] == "SEARCH-QUERY-SYNTAX"


def test_page_reads_chinese_first(fsearch, session):
    """The site in zh-CN: the page's headings, columns, facets and states read Chinese."""
    import transaction
    from plone import api

    portal = api.portal.get()
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    portal.setLanguage("zh-cn")
    transaction.commit()
    try:
        html = session("officer").get("/@@archive-search", params={"q": "财务"}, headers=HTML).text
    finally:
        api.portal.set_registry_record("plone.default_language", "en")
        api.portal.set_registry_record("plone.available_languages", ["en"])
        portal.setLanguage("en")
        transaction.commit()
    for phrase in (
        "档案检索",
        "全文检索",
        "检索结果",
        "档号",
        "题名",
        "年度",
        "责任者",
        "已归档",
        "已开放",
    ):
        assert phrase in html, phrase
    assert "Archive search" not in html
