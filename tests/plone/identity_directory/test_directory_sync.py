"""Organisation-tree sync cases (组织机构同步) against the platform's contract stub."""

from plone import api

from sd.archive import audit
from sd.archive.core.identity.directory import agency_group
from sd.archive.core.identity.directory import department_group
from sd.archive.core.identity.directory import role_group
from sd.archive.identity.directory import store
from sd.archive.identity.directory.accounts import plugin
from sd.archive.identity.directory.sync import fonds_roles_of
from sd.archive.identity.directory.sync import full_sync
from sd.archive.identity.directory.sync import incremental_sync
from sd.archive.identity.directory.sync import read_site

OFFICER = "RecordsOfficer"


def groups_of(portal, user_id):
    return set(portal.acl_users.source_groups._principal_groups.get(user_id, ()))


def test_full_sync_makes_groups_accounts_and_grants_to_groups(site, client):
    outcome = full_sync(site, client)
    assert outcome.status == "ok", outcome.problems
    # accounts of the directory's own plugin, with their names
    assert plugin(site).get("zhang").name == "张三"
    assert api.user.get(userid="zhang").getProperty("fullname") == "张三"
    # departments are groups, titled by name, described by path
    info = site.acl_users.source_groups._groups[department_group("3")]
    assert info["title"] == "办公室" and info["description"] == "山东省/省档案局/办公室"
    # the agency's officers are a group that holds the fonds role; no account holds a local role
    fonds = site["j001"]
    assert set(fonds.get_local_roles_for_userid(agency_group("2", OFFICER))) == {OFFICER, "Reader"}
    assert not fonds.get_local_roles_for_userid("zhang")
    assert agency_group("2", OFFICER) in groups_of(site, "zhang")
    assert fonds_roles_of(site, "zhang") == {"J001": {OFFICER, "Reader"}}
    assert fonds_roles_of(site, "li") == {"J002": {OFFICER, "Reader"}}
    # the leader tag: a global role through its group
    assert role_group("Leader") in groups_of(site, "wang")
    assert "Leader" in api.user.get_roles(username="wang")
    assert OFFICER in api.user.get_roles(username="zhang", obj=fonds)
    assert OFFICER not in api.user.get_roles(username="zhang", obj=site["j002"])


def test_second_full_sync_finds_no_differences(site, client):
    full_sync(site, client)
    again = full_sync(site, client)
    assert again.status == "ok" and len(again.plan) == 0


def test_dry_run_changes_nothing(site, client):
    outcome = full_sync(site, client, dry_run=True)
    assert outcome.status == "dry-run" and outcome.plan.counts()["account.add"] == 4
    assert plugin(site).get("zhang") is None
    assert department_group("3") not in site.acl_users.source_groups._groups


def test_member_moved_between_agencies_loses_old_fonds(site, client, stub):
    full_sync(site, client)
    reindexed = []
    site["j001"].reindexObjectSecurity = lambda *a, **k: reindexed.append(a)
    stub.update_member("zhang", department=[5])
    outcome = incremental_sync(site, client, ["zhang"])
    assert outcome.status == "ok"
    assert fonds_roles_of(site, "zhang") == {"J002": {OFFICER, "Reader"}}
    assert OFFICER not in api.user.get_roles(username="zhang", obj=site["j001"])
    assert OFFICER in api.user.get_roles(username="zhang", obj=site["j002"])
    assert not reindexed  # a membership change: no object's security index is rebuilt


def test_department_moved(site, client, stub):
    full_sync(site, client)
    stub.add_department(3, "办公室", 4)  # 办公室 moves from 省档案局 to 省财政厅
    outcome = full_sync(site, client)
    assert [c.subject for c in outcome.plan.of("group.update")] == [department_group("3")]
    assert fonds_roles_of(site, "zhang") == {"J002": {OFFICER, "Reader"}}
    info = site.acl_users.source_groups._groups[department_group("3")]
    assert info["description"] == "山东省/省财政厅/办公室"


def test_department_moved_by_incremental_event(site, client, stub):
    full_sync(site, client)
    stub.add_department(3, "办公室", 4)
    outcome = incremental_sync(site, client, departments_changed=True)
    assert outcome.status == "ok"
    assert fonds_roles_of(site, "zhang") == {"J002": {OFFICER, "Reader"}}


def test_member_removed_is_disabled(site, client, stub):
    full_sync(site, client)
    stub.remove_member("li")
    outcome = full_sync(site, client)
    assert [c.subject for c in outcome.plan.of("account.disable")] == ["li"]
    assert plugin(site).get("li") is None and plugin(site).is_disabled("li")
    assert api.user.get(userid="li") is None
    assert not groups_of(site, "li")


def test_member_left_by_incremental_event(site, client, stub):
    full_sync(site, client)
    stub.update_member("li", status=5)  # 离职
    incremental_sync(site, client, ["li"])
    assert plugin(site).is_disabled("li") and not groups_of(site, "li")
    stub.remove_member("zhang")  # deleted: user/get answers 60111
    incremental_sync(site, client, ["zhang"])
    assert plugin(site).is_disabled("zhang")


def test_position_changed(site, client, stub):
    full_sync(site, client)
    stub.update_member("zhang", position="科员")
    full_sync(site, client)
    assert fonds_roles_of(site, "zhang") == {}
    assert department_group("3") in groups_of(site, "zhang")


def test_directory_unreachable_changes_nothing_and_raises_an_alarm(site, client, stub):
    full_sync(site, client)
    before = read_site(site, {"J001", "J002"})
    stub.remove_member("zhang")
    stub.mode = "down"
    outcome = full_sync(site, client)
    assert outcome.status == "unreachable"
    assert read_site(site, {"J001", "J002"}) == before
    from sd.archive.preservation.alarms import open_alarms

    assert any(a["kind"] == "directory-unreachable" for a in open_alarms(site))
    assert store.runs(site)[-1]["status"] == "unreachable"
    from sd.archive.audit.store import Query

    total, entries = audit.trail(site).search(Query(action="directory.sync", outcome="failed"))
    assert total >= 1 and "目录接口不可达" in entries[0].details["error"]


def test_malformed_answer_changes_nothing_and_records_an_error(site, client, stub):
    full_sync(site, client)
    before = read_site(site, {"J001", "J002"})
    stub.remove_member("zhang")
    stub.mode = "malformed"
    outcome = full_sync(site, client)
    assert outcome.status == "malformed"
    assert [p.code for p in outcome.problems] == ["directory.shape"]
    assert read_site(site, {"J001", "J002"}) == before
    last = store.runs(site)[-1]
    assert last["status"] == "malformed" and last["problems"][0]["code"] == "directory.shape"


def test_administrators_are_never_assigned(site, client, stub):
    api.user.create(email="sa@example.org", username="secadmin", password="secret-12345")
    api.user.grant_roles(username="secadmin", roles=["SecurityAdministrator"])
    stub.add_member("secadmin", "安全保密管理员", [3], position="档案员")
    outcome = full_sync(site, client)
    assert "secadmin" in outcome.skipped
    assert not groups_of(site, "secadmin")
    assert plugin(site).get("secadmin") is None
    assert api.user.get_roles(username="secadmin", obj=site["j001"]).count(OFFICER) == 0


def test_changes_are_in_the_audit_trail(site, client):
    full_sync(site, client)
    pending = audit.trail(site).pending()
    actions = {e.action for e in pending}
    assert {"security.group_member_added", "security.account_created", "directory.sync"} <= actions
    created = [e for e in pending if e.action == "security.account_created"]
    assert {e.details["principal"] for e in created} == {"zhang", "li", "wang", "zhao"}


def test_apply_membership_from_claims(site, client):
    """The OIDC sign-on places an account by its claims through the same groups."""
    from sd.archive.identity.directory.membership import apply_membership

    full_sync(site, client)
    api.user.create(email="o@example.org", username="oidc-user", password="secret-12345")
    plan = apply_membership("oidc-user", ["3"], ["档案员"], "oidc")
    assert {c.target for c in plan.of("member.join")} == {
        department_group("3"),
        agency_group("2", OFFICER),
    }
    assert OFFICER in api.user.get_roles(username="oidc-user", obj=site["j001"])
    assert not site["j001"].get_local_roles_for_userid("oidc-user")
    # moved by its claims: leaves the old agency's group at once
    apply_membership("oidc-user", ["5", "99"], ["档案员"], "oidc")
    assert fonds_roles_of(site, "oidc-user") == {"J002": {OFFICER, "Reader"}}
    # an administrator is never placed
    api.user.create(email="a@example.org", username="auditor", password="secret-12345")
    api.user.grant_roles(username="auditor", roles=["SecurityAuditor"])
    assert not apply_membership("auditor", ["3"], ["档案员"], "oidc").changes


def test_disabled_account_tickets_stop_working(site, client, stub):
    """The session mechanism: a plone.session ticket of a directory account authenticates while
    the account is active; disabled, PAS no longer knows the user and the ticket is refused;
    with per-user keyrings, the secret is renewed too, so an old ticket stays dead when the
    account comes back."""
    import binascii

    full_sync(site, client)
    session = site.acl_users.session
    session.per_user_keyring = True
    response = site.REQUEST.response
    session._setupSession("zhang", response)
    cookie = response.cookies[session.cookie_name]["value"]
    credentials = {"source": "plone.session", "cookie": binascii.a2b_base64(cookie)}
    assert session.authenticateCredentials(credentials) == ("zhang", "zhang")
    stub.update_member("zhang", status=5)  # 离职
    incremental_sync(site, client, ["zhang"])
    assert session.authenticateCredentials(credentials) is None
    stub.update_member("zhang", status=1)  # rehired: the account is enabled again
    incremental_sync(site, client, ["zhang"])
    assert plugin(site).get("zhang") is not None
    assert session.authenticateCredentials(credentials) is None  # the old ticket stays dead


def test_department_removed_removes_its_group(site, client, stub):
    full_sync(site, client)
    stub.update_member("zhao", department=[1])  # 赵六 leaves 省财政厅 before it is dissolved
    for user_id in ("li", "wang"):
        stub.update_member(user_id, department=[4])
    del stub.departments[5]
    outcome = full_sync(site, client)
    assert [c.subject for c in outcome.plan.of("group.remove")] == [department_group("5")]
    assert department_group("5") not in site.acl_users.source_groups._groups
    assert fonds_roles_of(site, "li") == {"J002": {OFFICER, "Reader"}}
    pending = audit.trail(site).pending()
    assert any(
        e.action == "security.group_deleted" and e.details["principal"] == department_group("5")
        for e in pending
    )
