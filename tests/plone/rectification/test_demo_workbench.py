"""The demo's notices (one open, one overdue; idempotent) and the workbench blocks of both
parties showing the overdue notice."""

import transaction
from plone import api

from sd.archive.rectification import lists
from sd.archive.rectification import notices
from sd.archive.rectification.demo import make_rectification_demo


def test_demo_makes_an_overdue_notice_once(users, portal):
    made = make_rectification_demo(portal)
    assert [n.fonds_code for n in made] == ["J001"]  # J004 (supervision demo) is absent here
    notice = made[0]
    assert notices.overdue(notice)
    assert notice.issuer == "supervisor"
    assert [b.getObject() for b in lists.overdue_notices()] == [notice]
    assert make_rectification_demo(portal) == []


def test_metric_figures_of_an_agency(users, portal, record):
    figures = lists.metric_figures("J001")
    assert all({"label", "value", "link"} <= set(f) for f in figures)
    assert lists.metric_figures("J999") == []


def test_workbenches_show_the_overdue_notice(fportal, fsetup, session):
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    make_rectification_demo(fportal)
    transaction.commit()
    for user, block_ids in (
        ("officer", ("sd-wb-rectification-to-answer", "sd-wb-rectification-overdue")),
        ("supervisor", ("sd-wb-rectification-review", "sd-wb-rectification-overdue")),
    ):
        s = session(user)
        s.headers["Accept"] = "text/html"
        s.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        page = s.get("").text
        assert 'id="sd-wb-rectification"' in page, user
        for block in block_ids:
            assert block in page
        assert "sd-wb-overdue-notices" in page and "ZG-" in page
        assert "逾期未答复的整改通知" in page  # zh_CN labels
    other = session("other-officer")
    other.headers["Accept"] = "text/html"
    page = other.get("").text
    assert "sd-wb-overdue-notices" not in page
    transaction.begin()
    assert api.content.get_state(fportal["rectification-notices"].objectValues()[0]) == "issued"


def test_issue_form_cites_the_metrics(fportal, fsetup, session, monkeypatch):
    from sd.archive.rectification import lists as module

    monkeypatch.setattr(
        module, "metric_figures", lambda code: [{"label": "文号缺号（件）", "value": 2, "link": ""}]
    )
    s = session("supervisor")
    s.headers["Accept"] = "text/html"
    page = s.get("@@rectification-issue", params={"fonds": "J001", "cite": "1"}).text
    assert "文号缺号（件）：2" in page
