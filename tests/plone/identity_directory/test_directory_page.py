"""The security administrator's sync page (同步管理) and the scheduled full sync."""

import pytest
from plone import api
from plone.app.testing import login
from zExceptions import Forbidden

from sd.archive.identity.directory import store
from sd.archive.identity.directory.accounts import plugin
from sd.archive.identity.directory.schedule import tick
from sd.archive.identity.directory.sync import full_sync


@pytest.fixture
def configured(site, stub, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_PLATFORM_SECRET", stub.secret)
    api.portal.set_registry_record("sd.archive.platform.platform_url", stub.url)
    api.portal.set_registry_record("sd.archive.platform.corp_id", stub.corp_id)
    api.user.create(email="sa@example.org", username="secadmin", password="secret-12345")
    api.user.grant_roles(username="secadmin", roles=["SecurityAdministrator"])
    login(site, "secadmin")
    return site


def page(portal, **form):
    request = portal.REQUEST
    request.form.clear()
    request.form.update(form)
    request.method = "POST" if form else "GET"
    if form:
        from plone.protect.authenticator import createToken

        request.form["_authenticator"] = createToken()
    view = api.content.get_view("directory-sync", portal, request)
    return view()


def test_dry_run_shows_the_differences_and_changes_nothing(configured):
    html = page(configured, dry_run="1")
    assert "试运行" in html and "新建账号" in html and "张三" in html
    assert "zhang" in html and "dir-agency-2-RecordsOfficer" in html
    assert plugin(configured).get("zhang") is None
    assert "{" not in html.split('id="sd-directory-result"')[1].split("</section>")[0]  # no JSON


def test_sync_now_then_status_and_last_run(configured):
    page(configured, sync_now="1")
    assert plugin(configured).get("zhang") is not None
    html = page(configured)
    assert "北京时间" in html and "全量同步" in html and "成功" in html
    assert "4 / 0" in html  # active / disabled accounts


def test_unreachable_run_shows_the_error(configured, stub):
    stub.mode = "down"
    html = page(configured, sync_now="1")
    assert "目录接口不可达" in html


def test_bad_mapping_is_refused_and_nothing_saved(configured):
    before = store.mapping_text(configured)
    html = page(
        configured, save="1", bindings="2 = J001", mapping="position: 档案员 = SecurityAuditor"
    )
    assert "三员和超级管理员角色不能由同步授予" in html
    assert store.mapping_text(configured) == before


def test_page_needs_manage_security(site):
    api.user.create(email="m@example.org", username="clerk", password="secret-12345")
    login(site, "clerk")
    with pytest.raises(Exception) as caught:
        site.restrictedTraverse("@@directory-sync")
    assert caught.type.__name__ in ("Unauthorized", Forbidden.__name__)


def test_scheduled_full_sync_runs_when_due(configured, client):
    api.portal.set_registry_record("sd.archive.platform.full_sync_hours", 24)
    assert tick(configured, client, now=1e12).status == "ok"
    assert tick(configured, client) is None  # just ran
    full_sync(configured, client)


def test_directory_demo_is_idempotent(manager):
    from sd.archive.identity.directory.demo import make_directory_demo

    assert make_directory_demo(manager) is True
    assert store.bindings(manager) == {"2": "J001", "4": "J002"}
    assert (
        api.portal.get_registry_record("sd.archive.platform.platform_url")
        == "http://localhost:8790"
    )
    assert make_directory_demo(manager) is False


def test_workbench_shows_the_last_run_to_the_security_administrator(configured, stub):
    page(configured, sync_now="1")
    html = api.content.get_view("workbench", configured, configured.REQUEST)()
    assert 'id="sd-wb-directory-sync"' in html and "全量同步" in html and "@@directory-sync" in html
    stub.mode = "down"
    page(configured, sync_now="1")
    html = api.content.get_view("workbench", configured, configured.REQUEST)()
    assert "目录接口不可达" in html.split('id="sd-wb-directory-sync"')[1][:2000]
