"""Pages a person sees speak Chinese first (中文优先), times in 北京时间 (labelled)."""

import re

import transaction
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session


def archived(portal, n=1):
    fonds = make_fonds(portal)
    record = make_record(fonds, n)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    return record


def test_record_page(zh_site, zh_page):
    record = archived(zh_site)
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), record.absolute_url())
    badge = re.search(r'id="sd-record-state"[^>]*>([^<]*)<', html).group(1)
    assert badge == "已归档"
    history = html.split('id="sd-history"')[1].split("</table>")[0]
    assert "归档" in history and "预归档" in history
    assert "北京时间" in history
    assert "UTC" not in history and "pre_archived" not in history
    menu = html.split('id="plone-contentmenu-workflow"')[1][:3000]  # the toolbar's state menu
    assert "已归档" in menu and "列入移交" in menu and "Select for transfer" not in menu


def test_ledger_page_events(zh_site, zh_page):
    archived(zh_site)
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), f"{zh_site.absolute_url()}/@@ledger")
    recent = html.split("</table>")[-2]
    assert "<td>归档</td>" in recent
    assert "<td>archive</td>" not in recent and "<td>pre-archive</td>" not in recent
    assert "北京时间" in recent and "Z</td>" not in recent


def test_batch_page_states(zh_site, zh_page):
    from plone.dexterity.utils import addContentToContainer
    from plone.dexterity.utils import createContent

    from sd.archive.transfer.batch import init_state

    fonds = make_fonds(zh_site)
    batch = createContent("TransferBatch", title="移交 J001", direction="incoming")
    batch.id = "transfer-test"
    batch = addContentToContainer(fonds, batch, checkConstraints=False)
    batch.token = "transfer-test"
    init_state(batch, {"fonds_code": "J001", "record_count": 0}, [])
    api.content.transition(obj=batch, transition="submit")
    api.content.transition(obj=batch, transition="check")
    api.content.transition(obj=batch, transition="finish_check")
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), batch.absolute_url())
    state = re.search(r'id="transfer-state"[^>]*>([^<]*)<', html).group(1)
    direction = re.search(r'id="transfer-direction"[^>]*>([^<]*)<', html).group(1)
    assert (state, direction) == ("待接收", "接收进馆")


def test_role_titles(zh_site, zh_page):
    fonds = make_fonds(zh_site)
    transaction.commit()
    session = rest_session(zh_site, "admin")
    sharing = zh_page(session, f"{fonds.absolute_url()}/@@sharing")
    assert "档案员" in sharing and "报送服务账号" in sharing and "机关领导" in sharing


ROLE_TITLES = {
    "RecordsOfficer": "档案员",
    "Submitter": "报送服务账号",
    "Archivist": "档案馆接收/馆藏",
    "Supervisor": "监督指导",
    "SystemAdministrator": "系统管理员",
    "SecurityAdministrator": "安全保密管理员",
    "SecurityAuditor": "安全审计员",
}


def test_users_control_panel_role_titles(integration):
    """The users control panel translates each role id in the ``plone`` domain (its GET
    answers a plone.protect confirmation in the test browser, so the catalogue is checked)."""
    from zope.i18n import translate

    for role, title in ROLE_TITLES.items():
        assert translate(role, domain="plone", target_language="zh_CN") == title


def test_record_page_vocabulary_titles(zh_site, zh_page):
    """Vocabulary values show as titles in the page's language, never as tokens."""
    record = archived(zh_site)
    transaction.commit()
    session = rest_session(zh_site, "admin")
    html = zh_page(session, record.absolute_url())
    assert "<td>待审</td>" in html and "<td>正本</td>" in html and "pending" not in html
    api.portal.set_registry_record("plone.default_language", "en")  # English second
    zh_site.setLanguage("en")
    transaction.commit()
    session.headers["Accept-Language"] = "en"
    english = session.get(record.absolute_url()).text
    assert "<td>Pending review</td>" in english and "<td>Original</td>" in english
