"""#31 item 2: the one-way ferry between two sites with their own ledgers and storage — a
domain node exports its AIPs, the LAN node imports them (stored, indexed, logged, covered by
its fixity), a second import stores nothing, a tampered bundle is refused with an alarm, and
the receipt carried back confirms the bundle on the domain node."""

import json
import shutil
import zipfile

import pytest
import transaction
from plone import api
from Products.CMFPlone.factory import addPloneSite
from zope.component.hooks import setSite

from sd.archive.core.ferry import SUFFIX
from sd.archive.ferry import inbox
from sd.archive.ferry import outbox
from sd.archive.ledger import node as nodes
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import fixity
from sd.archive.preservation import store
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session

LAN_ORIGIN = "ledger.test/archives"


@pytest.fixture
def two_nodes(fportal, monkeypatch, archive_record):
    """The functional site as the administrative node, a second site 'lan' as the archives
    LAN node (its own ledger origin and key, its own storage), each admitting the other."""
    app = fportal.aq_parent
    monkeypatch.setenv("SD_ARCHIVE_LEDGER_ORIGIN", LAN_ORIGIN)
    addPloneSite(app, "lan", extension_ids=["plone.restapi:default", "sd.archive:default"])
    lan = app["lan"]
    setSite(lan)
    lan_identity = nodes.identity(lan)
    monkeypatch.delenv("SD_ARCHIVE_LEDGER_ORIGIN")
    api.portal.set_registry_record("sd.archive.settings.network_domain", "archives")
    api.portal.set_registry_record(
        "sd.archive.preservation.locations",
        ["lan1|online_disk|lan/copy1", "lan2|online_disk|lan/copy2"],
    )
    setSite(fportal)
    domain_identity = nodes.identity(fportal)
    nodes.admit(nodes.self_node(lan_identity))
    setSite(lan)
    nodes.admit(nodes.self_node(domain_identity))
    setSite(fportal)
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    fonds = make_fonds(fportal)
    records = [archive_record(make_record(fonds, n)) for n in (1, 2, 3)]
    transaction.commit()
    yield fportal, lan, records
    setSite(fportal)


def carry(path, var):
    """The carrier: the bundle copied into the LAN node's inbox (nothing flows back)."""
    target = var / "preservation" / "ferry" / "inbox" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, target)
    return target


def test_a_bundle_ferried_imported_and_confirmed_by_its_receipt(two_nodes, var):
    domain, lan, records = two_nodes
    assert len(outbox.not_sent()) == 3
    written = outbox.export()
    transaction.commit()
    assert written["records"] == 3 and written["sequence"] == 1
    assert outbox.not_sent() == [] and [b["status"] for b in outbox.unconfirmed()] == [
        "unconfirmed"
    ]
    html = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
    page = rest_session(domain, "admin").get("@@preservation", headers=html).text
    state = page.split('id="sd-ferry-state"')[1].split("</p>")[0]
    assert "尚无回执的摆渡包" in state and "<strong>1</strong>" in state
    assert written["bundle"] in page and "档案馆局域网尚未确认" in page
    bundle = var / "preservation" / "ferry" / "outbox" / written["bundle"]
    carry(bundle, var)

    setSite(lan)
    (result,) = inbox.import_inbox(commit=transaction.commit)
    assert result["status"] == "imported" and result["stored"] == 3, result
    held = store.index()
    assert sorted(held) == sorted(store.last_version(r)["relpath"] for r in records)
    for location in config.online_locations():
        run, report = fixity.run(location.id)  # the LAN's own fixity covers what it imported
        assert run.ok and len(run.passed) == 3 and location.path.startswith(str(var / "lan"))
    with current_ledger().log.reading() as conn:
        logged = current_ledger().log.recent(conn, 10)
    assert sum(b'"receive"' in data for _i, data in logged) == 3

    carry(bundle, var)  # the same bundle again: nothing stored twice
    (again,) = inbox.import_inbox(commit=transaction.commit)
    assert again["status"] == "duplicate" and again["stored"] == 0

    tampered = var / "tampered" / ("x" + SUFFIX)
    tampered.parent.mkdir()
    with zipfile.ZipFile(bundle) as old, zipfile.ZipFile(tampered, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, data[:-1] + b"!" if info.filename.endswith(".eep") else data)
    carry(tampered, var)
    (refused,) = inbox.import_inbox(commit=transaction.commit)
    assert refused["status"] == "refused"
    assert {e["code"] for e in refused["errors"]} == {"FERRY-DIGEST"}
    assert any(a["kind"] == alarms.FERRY_REFUSED for a in alarms.open_alarms())
    assert len(store.index()) == 3

    receipt = json.loads(
        (var / "preservation" / "ferry" / "receipts" / result["receipt"]).read_text("utf-8")
    )
    setSite(domain)
    confirmed = outbox.apply_receipt(receipt)
    transaction.commit()
    assert confirmed["status"] == "imported" and outbox.unconfirmed() == []
    assert confirmed["receipt"]["stored"] == 3
    admin = rest_session(domain, "admin")
    status = admin.get("@ferry").json()
    assert status["not_sent"] == 0 and status["bundles"][0]["status"] == "imported"
    forged = dict(receipt, receipt={**receipt["receipt"], "stored": 99})
    refused_receipt = admin.post("@ferry-receipt", json=forged)
    assert refused_receipt.status_code == 422
    assert refused_receipt.json()["errors"][0]["code"] == "FERRY-RECEIPT"
    assert admin.post("@ferry-export", json={"limit": 0}).status_code == 400
    assert admin.post("@ferry-export").json() == {"@id": f"{domain.absolute_url()}/@ferry"}
