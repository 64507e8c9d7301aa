"""Preservation pages: overview with runs and alarms, run details, viewlets, conversion action."""

from plone import api
from plone.app.testing import login
from zope.component import getMultiAdapter
from zope.component import queryMultiAdapter
from zope.interface import alsoProvides
from zope.viewlet.interfaces import IViewletManager

from sd.archive.preservation import alarms
from sd.archive.preservation import fixity
from sd.archive.preservation import store


def _layer(request):
    from sd.archive.interfaces import ISdArchiveLayer

    alsoProvides(request, ISdArchiveLayer)
    return request


def viewlet(context, request, manager_name, name):
    view = getMultiAdapter((context, request), name="view")
    from zope.component import getUtility  # noqa: F401

    manager = queryMultiAdapter((context, request, view), IViewletManager, manager_name)
    manager.update()
    (found,) = [v for v in manager.viewlets if v.__name__ == name]
    return found.render()


def test_overview_shows_locations_runs_and_alarms(archived, portal, var):
    request = _layer(portal.REQUEST)
    result, _ = fixity.run("copy1")
    alarms.raise_alarm(
        alarms.NO_GOOD_COPY, "J001/2023/x/x.v1.eep", "no good copy", location="copy1"
    )
    html = getMultiAdapter((portal, request), name="preservation")()
    assert "copy1" in html and "copy2" in html and str(var / "aip" / "copy1") in html
    assert result.run_id in html
    assert "J001/2023/x/x.v1.eep" in html
    details = getMultiAdapter((portal, request), name="preservation-run")
    request.form["run_id"] = result.run_id
    assert result.run_id in details()
    import json

    runs = json.loads(getMultiAdapter((portal, request), name="preservation-progress")())
    assert runs[0]["complete"] and runs[0]["passed"] == 3


def test_alarm_viewlet_for_auditor_not_for_member(archived, portal, users):
    request = _layer(portal.REQUEST)
    alarms.raise_alarm(alarms.NO_GOOD_COPY, "J001/2023/x/x.v1.eep", "no good copy")
    login(portal, "auditor")
    html = viewlet(portal, request, "plone.abovecontent", "sd.archive.preservation.alarms")
    assert "sd-preservation-alarm" in html
    login(portal, "member")
    html = viewlet(portal, request, "plone.abovecontent", "sd.archive.preservation.alarms")
    assert html == ""
    assert not api.user.has_permission(
        "sd.archive: View preservation alarms", username="member", obj=portal
    )


def test_record_viewlet_lists_aip_versions(archived, portal):
    request = _layer(portal.REQUEST)
    record = archived[0]
    html = viewlet(record, request, "plone.belowcontentbody", "sd.archive.preservation.record")
    assert store.last_version(record)["sm3"] in html
    assert "@@preservation-convert" in html  # the test user is Manager


def test_storage_control_panel_renders(portal):
    request = _layer(portal.REQUEST)
    html = getMultiAdapter((portal, request), name="sd-archive-storage")()
    assert "copy1|online_disk|aip/copy1" in html


def test_running_fixity_run_shows_done_of_total(archived, portal, var):
    """#24 item 6: a run started from the UI shows files checked / total and a bar."""
    import json

    request = _layer(portal.REQUEST)
    run_dir = fixity.runs_dir() / "copy1-99991231T000000-running"
    run_dir.mkdir(parents=True)
    items = [{"relpath": f"J001/2023/x/{i}.eep"} for i in range(5)]
    (run_dir / "state.json").write_text(
        json.dumps({"location_id": "copy1", "started": "2026-12-07T05:00:00", "items": items}),
        "utf-8",
    )
    (run_dir / fixity.PROGRESS).write_text(
        json.dumps({"done": 2, "total": 5, "bytes": 10, "elapsed": 0.1}), "utf-8"
    )
    html = getMultiAdapter((portal, request), name="preservation")()
    row = html[html.index('data-run="copy1-99991231T000000-running"') :]
    row = row[: row.index("</tr>")]
    assert "width:40%" in row and "2 / 5" in row and "sd-fixity-count" in row
    request.form["run_id"] = "copy1-99991231T000000-running"
    page = getMultiAdapter((portal, request), name="preservation-run")()
    assert 'id="sd-fixity-run-progress"' in page and "2 / 5" in page
    assert "progress-bar-animated" in page and "width: 40%" in page
    assert "window.location.reload()" in page
    request.form["run_id"] = "no-such-run"
    page = getMultiAdapter((portal, request), name="preservation-run")()
    assert "sd-fixity-run-progress" not in page
