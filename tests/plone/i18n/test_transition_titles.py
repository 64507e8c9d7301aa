"""Every workflow transition has its own zh_CN verb, distinct from the state it leads to (#24:
开放 → 已开放, 控制使用 → 已划为控制使用), and the record's state menu shows it."""

from pathlib import Path

import pytest
import transaction
from lxml import etree
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session

PACKAGE = Path(__file__).parents[3] / "src" / "sd" / "archive"
WORKFLOWS = sorted((PACKAGE / "profiles" / "default" / "workflows").glob("*/definition.xml"))
PLONE_PO = PACKAGE / "locales" / "zh_CN" / "LC_MESSAGES" / "plone.po"
TRANSLATED = ("sd_record_workflow", "sd_transfer_workflow", "sd_access_request_workflow")


def plone_zh() -> dict[str, str]:
    entries, msgid = {}, None
    for line in PLONE_PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = line[7:-1]
        elif line.startswith("msgstr ") and msgid:
            entries[msgid] = line[8:-1]
    return entries


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.parent.name for p in WORKFLOWS])
def test_transition_titles_differ_from_state_titles(path):
    tree = etree.parse(str(path))
    states = {s.get("title") for s in tree.iter("state")}
    zh = plone_zh()
    state_zh = {zh[t] for t in states if t in zh}
    for transition in tree.iter("transition"):
        title = transition.get("title")
        action = transition.find("action")
        assert action is not None and action.text == title, transition.get("transition_id")
        assert title not in states, f"{transition.get('transition_id')}: {title}"
        if path.parent.name in TRANSLATED:
            assert title in zh, title
        if title in zh:
            assert zh[title] not in state_zh, f"{transition.get('transition_id')}: {zh[title]}"


def test_record_state_menu_shows_the_verbs(zh_site, zh_page):
    record = make_record(make_fonds(zh_site))
    assign_code(record, "WS", 2023, "Y", "BGS")
    for transition in ("archive", "request_transfer", "receive"):
        api.content.transition(record, transition=transition)
    transaction.commit()
    session = rest_session(zh_site, "admin")
    html = zh_page(session, record.absolute_url())
    menu = html.split('id="plone-contentmenu-workflow"')[1][:4000]
    assert "已进馆" in menu  # the state
    assert "workflow-transition-open" in menu and "workflow-transition-control" in menu
    opened = menu.split('id="workflow-transition-open"')[1][:600]
    controlled = menu.split('id="workflow-transition-control"')[1][:600]
    assert "开放" in opened and "已开放" not in opened
    assert "控制使用" in controlled and "已划为控制使用" not in controlled
    api.content.transition(record, transition="control")
    transaction.commit()
    html = zh_page(session, record.absolute_url())
    menu = html.split('id="plone-contentmenu-workflow"')[1][:4000]
    assert "已划为控制使用" in menu and "workflow-transition-open" in menu
