"""The ledger page (verify form, checkpoints, entries) and the node control panel."""

import transaction

from sd.archive.core import digests
from sd.archive.testing import PDF


def test_ledger_page_shows_checkpoint_entries_and_verifies_an_upload(admin, ffonds, archive):
    record = archive(ffonds, 1)
    transaction.commit()
    html = {"Accept": "text/html"}
    page = admin.get("@@ledger", headers=html).text
    assert "sd-ledger-checkpoint" in page and record.archival_code in page
    answer = admin.post("@@ledger", headers=html, files={"file": ("正本.pdf", PDF)}).text
    assert 'id="sd-ledger-verify"' in answer and record.archival_code in answer
    answer = admin.post("@@ledger", headers=html, data={"digest": digests.digest_bytes(b"?")}).text
    assert "No entry of the ledger holds this digest." in answer


def test_node_control_panel_lists_this_node(admin, anonymous, fledger):
    html = {"Accept": "text/html"}
    page = admin.get("@@ledger-nodes", headers=html)
    assert page.status_code == 200 and fledger.vkey in page.text
    assert "login" in anonymous.get("@@ledger-nodes", headers=html).url
