"""A transfer batch's manual items are signed off by the role the detection catalogue names
(人工检测签字角色): the archivist for the transfer stage, never the agency's records officer, even
holding the permission to receive on a batch."""

import pytest
import transaction
from plone import api
from plone.app.testing import login
from transfer_helpers import SAMPLE
from transfer_helpers import post
from transfer_helpers import unrestricted

from sd.archive.core.errors import ArchiveError
from sd.archive.transfer import batch as state


def test_manual_items_are_signed_by_the_catalogue_role(site, room):
    body = post(room, SAMPLE.read_bytes()).json()
    transaction.begin()
    login(site, "archivist")
    batch = unrestricted(body["UID"])
    codes = [i["code"] for i in state.manual_items(batch) if i["code"] != state.HANDOVER[0]]
    assert codes  # the transfer stage has manual items (catalogue)
    api.user.grant_roles(username="member", obj=site["j001"], roles=["RecordsOfficer"])
    login(site, "member")
    with pytest.raises(ArchiveError) as refused:
        state.sign_off(batch, codes[0], "passed", "外观完好", "member")
    assert refused.value.status == 403
    assert [p.code for p in refused.value.problems] == ["signoff.role"]
    assert batch.manual[codes[0]]["outcome"] == "manual"  # nothing signed
    login(site, "archivist")
    signed = state.sign_off(batch, codes[0], "passed", "外观完好", "archivist")
    assert signed["outcome"] == "passed" and signed["by"] == "archivist"
    transaction.abort()
