"""The workbench (工作台): the site's front page shows each role what waits, with counts."""

import pytest
from plone.app.testing import TEST_USER_ID
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles


def workbench(portal, user):
    if user is None:
        logout()
    else:
        login(portal, user)
    view = portal.restrictedTraverse("@@workbench")
    html = view()
    return view, html


def counts(items):
    return {item["id"]: item["count"] for item in items}


def test_default_view_of_the_site(portal):
    assert portal.getLayout() == "workbench"
    assert "workbench" in portal.getAvailableLayouts()[0] or any(
        layout[0] == "workbench" for layout in portal.getAvailableLayouts()
    )


def test_officer_sees_the_queues_of_the_own_fonds(desk):
    view, html = workbench(desk, "officer")
    [j001] = view.officer()
    assert j001["code"] == "J001"
    assert counts(j001["queues"]) == {
        "review": 3,
        "rejections": 2,
        "due": 2,
        "appraisal-due": 0,
        "sent": 2,
    }
    assert {r["record_id"] for r in j001["rejected"]} == {"OA-J001-8", "OA-J001-9"}
    assert {b["title"] for b in j001["batches"]} == {"移交 J001 批次 1", "移交 J001 批次 2"}
    assert "j001/@@review-queue" in html
    assert "北京时间" in j001["rejected"][0]["time"]
    assert "sd-wb-officer-J001" in html
    assert "sd-wb-officer-J002" not in html
    assert "sd-wb-archivist" not in html
    assert "sd-wb-supervisor" not in html


def test_other_officer_sees_j002(desk):
    view, _html = workbench(desk, "other-officer")
    [j002] = view.officer()
    assert counts(j002["queues"]) == {
        "review": 1,
        "rejections": 1,
        "due": 4,
        "appraisal-due": 0,
        "sent": 1,
    }


def test_archivist_sees_batches_to_accept_and_alarms(desk):
    view, html = workbench(desk, "archivist")
    data = view.archivist()
    assert counts(data["queues"]) == {"to-accept": 2, "checking": 0, "alarms": 1}
    assert all(b["url"].endswith("/@@transfer-batch") for b in data["batches"])
    assert "batch-j001-1/@@transfer-batch" in html
    assert view.officer() == []
    assert "sd-wb-supervisor" not in html


def test_supervisor_sees_rejections_and_backlog_per_fonds(desk):
    view, html = workbench(desk, "supervisor")
    data = view.supervisor()
    assert counts(data["queues"]) == {"rejections-all": 3, "review-all": 4}
    assert {f["code"]: (f["review"], f["due"]) for f in data["backlog"]} == {
        "J001": (3, 2),
        "J002": (1, 4),
    }
    assert "sd-wb-supervisor" in html
    nav = {link["url"].rsplit("/", 1)[1] for g in view.navigation() for link in g["links"]}
    assert {"j001", "j002"} <= nav


@pytest.mark.parametrize(
    "user,section,link",
    [
        ("sysadmin", "sd-wb-sysadmin", "@@ledger-nodes"),
        ("secadmin", "sd-wb-secadmin", "@@usergroup-userprefs"),
        ("auditor", "sd-wb-auditor", "@@audit-trail"),
    ],
)
def test_administrators(desk, user, section, link):
    view, html = workbench(desk, user)
    assert section in html
    assert link in html
    assert "sd-wb-officer-" not in html


def test_sysadmin_counts_alarms(desk):
    view, _html = workbench(desk, "sysadmin")
    assert counts(view.sysadmin()["queues"]) == {"alarms": 1}


@pytest.mark.parametrize(
    "user,reachable,unreachable",
    [
        (
            "officer",
            ["j001/@@review-queue", "j001/@@transfer-out"],
            ["@@audit-trail", "@@ledger-nodes"],
        ),
        ("archivist", ["@@transfer-holdings"], ["@@audit-trail", "@@usergroup-userprefs"]),
        (
            "sysadmin",
            ["@@sd-archive-settings", "@@ledger-nodes", "@@preservation"],
            ["@@audit-trail"],
        ),
        (
            "secadmin",
            ["@@usergroup-userprefs", "@@usergroup-groupprefs"],
            ["@@sd-archive-settings"],
        ),
        ("auditor", ["@@audit-trail"], ["@@sd-archive-settings", "@@usergroup-userprefs"]),
    ],
)
def test_navigation_follows_permissions(desk, user, reachable, unreachable):
    view, _html = workbench(desk, user)
    urls = [link["url"] for group in view.navigation() for link in group["links"]]
    for part in reachable:
        assert any(url.endswith(part) for url in urls), (part, urls)
    for part in unreachable:
        assert not any(url.endswith(part) for url in urls), (part, urls)


def test_manager_sees_every_section(desk):
    setRoles(desk, TEST_USER_ID, ["Manager"])
    view = desk.restrictedTraverse("@@workbench")
    html = view()
    for section in (
        "sd-wb-officer-J001",
        "sd-wb-officer-J002",
        "sd-wb-archivist",
        "sd-wb-supervisor",
        "sd-wb-sysadmin",
        "sd-wb-secadmin",
        "sd-wb-auditor",
    ):
        assert section in html


def test_recent_activity_is_the_users_own(desk):
    import uuid

    from sd.archive import audit

    mine, theirs = f"test.{uuid.uuid4().hex}", f"test.{uuid.uuid4().hex}"
    audit.trail(desk).add_now(
        [audit.event(theirs, who="archivist"), audit.event(mine, who="officer")]
    )
    view, html = workbench(desk, "officer")
    rows = view.recent()
    assert rows[0]["action"] == mine
    assert theirs not in [r["action"] for r in rows]
    assert rows[0]["outcome"] == "Action succeeded"
    assert mine in html


def test_anonymous_gets_the_public_page(desk):
    _view, html = workbench(desk, None)
    assert 'id="sd-public"' in html
    assert "/login" in html
    assert "sd-workbench" not in html


def test_counts_do_not_wake_records(desk, monkeypatch):
    """Every count is a catalog count: no brain's getObject for a record or batch."""
    from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain

    woken = []
    original = AbstractCatalogBrain.getObject

    def get_object(self, REQUEST=None):
        woken.append(self.portal_type)
        return original(self, REQUEST)

    monkeypatch.setattr(AbstractCatalogBrain, "getObject", get_object)
    workbench(desk, "officer")
    assert set(woken) <= {"Fonds"}


def test_uninstall_gives_the_front_page_back(portal, installer):
    installer.uninstall_product("sd.archive")
    fti = portal.portal_types["Plone Site"]
    assert fti.default_view == "document_view"
    assert "workbench" not in fti.view_methods
