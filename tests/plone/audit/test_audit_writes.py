"""Writes, transitions, settings, arrangement rules and security changes are logged."""

import transaction
from plone import api
from zope.event import notify

from sd.archive.security.events import SecurityChangedEvent
from sd.archive.testing import make_record


def test_patch_is_logged_once_with_its_fields(frecord, session, logged):
    draft = make_record(frecord.aq_parent, 2)  # not archived yet: editable
    transaction.commit()
    response = session("admin").patch(
        draft.absolute_url(),
        json={"description": "更正说明"},
        headers={"X-Forwarded-For": "192.0.2.44"},
    )
    assert response.status_code == 204, response.text
    [patch] = [
        e for e in logged(action="content.modified") if e.uid == draft.UID() and e.actor == "admin"
    ]
    assert "IDublinCore.description" in patch.details["fields"] or "description" in str(
        patch.details["fields"]
    )
    assert patch.ip == "192.0.2.44"


def test_refused_patch_is_logged_as_refused(frecord, session, logged):
    response = session("auditor").patch(frecord.absolute_url(), json={"title": "x"})
    assert response.status_code in (401, 403)
    [refused] = logged(outcome="refused")
    assert refused.details["method"] == "PATCH" and refused.uid == frecord.UID()


def test_transition_is_logged(frecord, session, logged):
    response = session("admin").post(f"{frecord.absolute_url()}/@workflow/appraise")
    assert response.status_code == 200, response.text
    [step] = [e for e in logged(action="workflow.transition") if e.actor == "admin"]
    assert step.details["transition"] == "appraise" and step.uid == frecord.UID()
    transaction.begin()  # see what the request committed
    assert step.details["state"] == api.content.get_state(frecord)


def test_registry_change_is_logged(fportal, logged):
    api.portal.set_registry_record("plone.site_title", "省档案馆")
    transaction.commit()
    [change] = logged(action="settings.changed")
    assert change.details["record"] == "plone.site_title" and change.details["new"] == "省档案馆"


def test_secret_settings_are_masked(fportal, logged):
    from sd.archive.audit.subscribers import _masked

    assert _masked({"old": "a", "new": "b"}, "x.smtp_password") == {"old": "***", "new": "***"}
    assert _masked({"api_token": "t", "n": 1}) == {"api_token": "***", "n": 1}


def test_role_grant_is_logged(frecord, logged):
    api.user.grant_roles(username="officer", roles=["Archivist"])
    notify(
        SecurityChangedEvent(
            "roles_changed", "officer", details={"added": ["Archivist"], "password": "x"}
        )
    )
    notify(
        SecurityChangedEvent(
            "local_roles_changed", "officer", target="/plone/j001", outcome="refused"
        )
    )
    transaction.commit()
    grants = [
        e
        for e in logged(action="security.roles_changed")
        if e.details.get("added") == ["Archivist"]
    ]
    assert grants and grants[-1].details["principal"] == "officer"
    assert all(g.details.get("password", "***") == "***" for g in grants)
    [refused] = logged(action="security.local_roles_changed", outcome="refused")
    assert refused.path == "/plone/j001"


def test_account_creation_and_removal_are_logged(fportal, logged):
    api.user.create(email="new@example.org", username="newcomer", password="secret-12345")
    api.user.delete(username="newcomer")
    transaction.commit()
    actions = {e.action for e in logged() if e.details.get("principal") == "newcomer"}
    assert {"security.principal_created", "security.principal_deleted"} <= actions


def test_arrangement_rules_import_is_logged(frecord, session, logged):
    from sd.archive import rules

    fonds = frecord.aq_parent
    data = rules.export(fonds, "schedule", "xml")
    url = f"{fonds.absolute_url()}/@arrangement-rules?which=schedule&format=xml"
    headers = {"Content-Type": "application/xml"}
    response = session("admin").post(url, data=data, headers=headers)
    assert response.status_code == 204, response.text
    [done] = logged(action="rules.imported")
    assert done.outcome == "ok" and done.details["which"] == "schedule"
    response = session("admin").post(url, data=b"<not-xml", headers=headers)
    assert response.status_code == 422
    assert [e.outcome for e in logged(action="rules.imported")] == ["ok", "failed"]


def test_removal_is_logged(frecord, logged):
    draft = make_record(frecord.aq_parent, 3)
    path, uid = "/".join(draft.getPhysicalPath()), draft.UID()
    api.content.delete(draft)
    transaction.commit()
    removed = logged(action="content.removed", object=path)  # the record and its files
    assert [e.details["uid"] for e in removed if e.path == path] == [uid]
    assert len(removed) == 3
