"""三员分立 through the Classic UI forms: the add-user form and group membership."""

import re

import transaction
from plone import api
from plone.testing.zope import Browser


def browser_for(app, user):
    browser = Browser(app)
    browser.handleErrors = True
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user}:secret-12345")
    browser.addHeader("Accept", "text/html,application/xhtml+xml")
    return browser


def test_security_administrator_adds_an_account_in_the_form(functional, site):
    browser = browser_for(functional["app"], "secadmin")
    browser.open(site.absolute_url() + "/@@new-user")
    assert browser.headers["status"].startswith("200")
    browser.getControl(name="form.widgets.email").value = "formclerk@example.org"
    browser.getControl(name="form.widgets.username").value = "formclerk"
    browser.getControl(name="form.widgets.password").value = "secret-12345"
    browser.getControl(name="form.widgets.password_ctl").value = "secret-12345"
    browser.getControl(name="form.buttons.register").click()
    transaction.begin()
    assert api.user.get(username="formclerk") is not None


def test_security_administrator_cannot_join_site_administrators_in_the_form(
    functional, site, events
):
    browser = browser_for(functional["app"], "secadmin")
    browser.open(
        site.absolute_url() + "/@@usergroup-groupmembership?groupname=Site%20Administrators"
    )
    token = re.search(r'name="_authenticator" value="([^"]+)"', browser.contents).group(1)
    browser.open(
        site.absolute_url() + "/@@usergroup-groupmembership",
        data=f"_authenticator={token}&groupname=Site%20Administrators&form.submitted=1"
        "&add:list=secadmin&form.button.Add=Add",
    )
    assert [(e.action, e.outcome) for e in events] == [("group_member_added", "refused")]
    assert browser.headers["status"].startswith("403")
    assert browser.headers["content-type"].startswith("text/html")
    assert "superuser_roles_reserved" in browser.contents and "只有超级管理员" in browser.contents
    # a page of the site (header, navigation back to the workbench), not a bare page
    assert 'id="sd-refusal"' in browser.contents and 'id="portal-globalnav"' in browser.contents
    transaction.begin()
    assert "secadmin" not in api.group.get("Site Administrators").getGroupMemberIds()
