"""三员分立 over REST: what each administrator may and may not do (issue #22, items 7 and 8)."""

import pytest
import transaction
from plone import api


def refused(response, rule):
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["type"] == "RoleSeparationRefused" and body["rule"] == rule
    assert body["message_zh"] and body["message_en"] and body["message_en"] in body["message"]
    return body


def test_security_administrator_cannot_give_itself_roles(site, session, events, global_roles):
    response = session("secadmin").patch(
        "@users/secadmin", json={"roles": {"SystemAdministrator": True, "SecurityAuditor": True}}
    )
    refused(response, "no_self_grant")
    assert global_roles("secadmin") == {"SecurityAdministrator"}
    assert [(e.action, e.principal, e.outcome) for e in events] == [
        ("roles_changed", "secadmin", "refused")
    ]
    assert events[0].details["rule"] == "no_self_grant" and events[0].details["actor"] == "secadmin"


def test_security_administrator_cannot_join_site_administrators(site, session):
    response = session("secadmin").patch(
        "@groups/Site%20Administrators", json={"users": {"secadmin": True}}
    )
    refused(response, "superuser_roles_reserved")
    assert "secadmin" not in api.group.get("Site Administrators").getGroupMemberIds()


@pytest.mark.parametrize("role", ["Site Administrator", "Manager"])
def test_security_administrator_cannot_give_superuser_roles(site, session, role, global_roles):
    response = session("secadmin").patch("@users/clerk", json={"roles": {role: True}})
    assert response.status_code == 403
    assert role not in global_roles("clerk")


def test_security_administrator_cannot_add_to_administrators(site, session):
    response = session("secadmin").patch("@groups/Administrators", json={"users": {"clerk": True}})
    assert response.status_code in (400, 403)  # plone.restapi refuses first (Manager group)
    assert "clerk" not in api.group.get("Administrators").getGroupMemberIds()


def test_second_administrator_role_refused_via_users(site, session, global_roles):
    response = session("admin").patch("@users/sysadmin", json={"roles": {"SecurityAuditor": True}})
    refused(response, "three_admins_exclusive")
    assert global_roles("sysadmin") == {"SystemAdministrator"}


def test_second_administrator_role_refused_via_group_membership(site, session):
    response = session("admin").patch("@groups/auditors", json={"users": {"sysadmin": True}})
    refused(response, "three_admins_exclusive")


def test_administrator_given_no_business_role_via_sharing(site, session):
    response = session("admin").post(
        "j001/@sharing",
        json={"entries": [{"id": "auditor", "type": "user", "roles": {"Reader": True}}]},
    )
    refused(response, "administrator_holds_no_other_role")
    assert "Reader" not in site.j001.get_local_roles_for_userid("auditor")


def test_security_administrator_creates_accounts_and_gives_business_roles(
    site, session, events, global_roles
):
    secadmin = session("secadmin")
    response = secadmin.post(
        "@users",
        json={"username": "newclerk", "email": "newclerk@example.org", "password": "secret-12345"},
    )
    assert response.status_code == 201, response.text
    response = secadmin.patch("@users/newclerk", json={"roles": {"Archivist": True}})
    assert response.status_code == 204, response.text
    assert "Archivist" in global_roles("newclerk")
    assert [(e.action, e.principal, e.outcome) for e in events if e.principal == "newclerk"][
        -2:
    ] == [("account_created", "newclerk", "ok"), ("roles_changed", "newclerk", "ok")]
    changed = [e for e in events if e.action == "roles_changed"][-1]
    assert changed.details["actor"] == "secadmin" and "Archivist" in changed.details["new"]


@pytest.mark.parametrize("roles", [{"SecurityAuditor": True}, {"SystemAdministrator": True}])
def test_security_administrator_appoints_no_administrator(site, session, roles, global_roles):
    refused(
        session("secadmin").patch("@users/clerk", json={"roles": roles}),
        "administrator_roles_reserved",
    )
    refused(
        session("secadmin").patch("@groups/auditors", json={"users": {"clerk": True}}),
        "administrator_roles_reserved",
    )
    assert global_roles("clerk") == {"Member"}


def test_manager_appoints_and_dismisses_an_administrator(site, session, global_roles):
    admin = session("admin")
    assert admin.patch("@users/clerk", json={"roles": {"SecurityAuditor": True}}).status_code == 204
    assert "SecurityAuditor" in global_roles("clerk")
    assert (
        admin.patch("@users/clerk", json={"roles": {"SecurityAuditor": False}}).status_code == 204
    )
    assert "SecurityAuditor" not in global_roles("clerk")


def test_security_administrator_dismisses_no_administrator(site, session, global_roles):
    refused(
        session("secadmin").patch("@users/auditor", json={"roles": {"SecurityAuditor": False}}),
        "administrator_roles_reserved",
    )
    assert global_roles("auditor") == {"SecurityAuditor"}


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("patch", "@users/auditor", {"password": "taken-over-123"}),
        ("patch", "@users/auditor", {"email": "secadmin@example.org"}),
        ("delete", "@users/auditor", None),
        ("delete", "@users/sysadmin", None),
    ],
)
def test_security_administrator_cannot_take_over_administrators(
    site, session, events, method, path, body
):
    response = getattr(session("secadmin"), method)(path, json=body)
    refused(response, "administrator_account_reserved")
    assert [e.outcome for e in events] == ["refused"]
    transaction.begin()
    assert api.user.get(username="auditor").getProperty("email") == "auditor@example.org"


def test_security_administrator_manages_business_accounts(site, session, events):
    secadmin = session("secadmin")
    assert secadmin.patch("@users/clerk", json={"password": "new-secret-123"}).status_code == 204
    assert secadmin.delete("@users/clerk").status_code == 204
    assert [(e.action, e.principal, e.outcome) for e in events] == [
        ("password_changed", "clerk", "ok"),
        ("account_deleted", "clerk", "ok"),
    ]
    assert "new-secret-123" not in repr([e.details for e in events])


@pytest.mark.parametrize("user", ["auditor", "secadmin"])
@pytest.mark.parametrize("panel", ["sd-archive-settings", "mail", "security"])
def test_auditor_and_security_administrator_cannot_change_settings(site, session, user, panel):
    response = session(user).patch(f"@controlpanels/{panel}", json={})
    assert response.status_code in (401, 403), response.text


@pytest.mark.parametrize("user", ["auditor", "secadmin"])
def test_auditor_and_security_administrator_cannot_change_content_types(site, session, user):
    response = session(user).post("@types/Document", json={"factory": "fieldset", "title": "x"})
    assert response.status_code in (401, 403), response.text


@pytest.mark.parametrize("user", ["auditor", "secadmin"])
def test_auditor_and_security_administrator_still_read_settings(site, session, user):
    assert session(user).get("@controlpanels").status_code == 200


def test_system_administrator_changes_archive_settings(site, session):
    response = session("sysadmin").patch(
        "@controlpanels/sd-archive-settings", json={"transfer_after_years": 7}
    )
    assert response.status_code == 204, response.text
    transaction.begin()
    assert api.portal.get_registry_record("sd.archive.settings.transfer_after_years") == 7


def test_system_administrator_reads_no_record(site, session, record_path):
    assert session("admin").get(record_path).status_code == 200
    response = session("sysadmin").get(record_path)
    assert response.status_code in (401, 403), response.text
    assert "items" not in response.json()


def test_auditor_cannot_write(site, session):
    auditor = session("auditor")
    assert auditor.patch("j001", json={"title": "changed"}).status_code in (401, 403)
    assert auditor.post("j001", json={"@type": "Dossier", "title": "x"}).status_code in (401, 403)
    assert auditor.patch(
        "@controlpanels/sd-archive-settings", json={"transfer_after_years": 3}
    ).status_code in (401, 403)
