"""The whole path of an appraisal batch (#25 items 2–4): proposal, opinions side by side,
submission, the leader's approval (keep → next review date, permanent → period Y), execution
with two supervisors (files gone from blobs, every AIP location and managed backups;
tombstones; one ledger destroy entry per record), carriers pending physical destruction,
the certificate filed as an archived record, resumable execution."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from plone import api

from sd.archive.appraisal import batches
from sd.archive.appraisal import certificate
from sd.archive.appraisal import execution
from sd.archive.core.appraisal.batch import AppraisalRefused
from sd.archive.core.preservation import backup as backup_core
from sd.archive.core.preservation.storage import aip_path
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import config
from sd.archive.preservation import discs
from sd.archive.preservation import store
from sd.archive.retention import today


def ledger_events(record):
    log = current_ledger().log
    with log.view() as conn:
        return [log.entry(conn, i)[0] for i in log.record_indexes(conn, record.UID())]


def test_proposal_puts_records_under_appraisal(expired, ap):
    batch = ap.propose(expired[0].__parent__, expired)
    assert batches.batch_state(batch).value == "opinions"
    assert batch.members == ("officer", "member2") and batch.proposer == "officer"
    assert {api.content.get_state(r) for r in expired} == {"appraisal"}
    assert set(batch.items) == {r.UID() for r in expired}
    assert batch.items[expired[0].UID()]["code"] == expired[0].archival_code
    # the group's members may see the batch
    assert "Reader" in api.user.get_roles(username="member2", obj=batch)


def test_full_path(expired, tmp_path, ap):
    fonds = expired[0].__parent__
    gone, kept, raised = expired
    batch = ap.propose(fonds, expired)
    ap.opine(batch, "officer")  # the whole batch: destroy
    ap.opine(batch, "member2", gone.UID())
    ap.opine(batch, "member2", kept.UID(), "keep", years=5, reason="仍有查考价值")
    ap.opine(batch, "member2", raised.UID(), "permanent", reason="具有永久保存价值")
    rows = {r["uid"]: r for r in batches.side_by_side(batch)}
    assert rows[kept.UID()]["opinions"]["officer"]["decision"] == "destroy"
    assert rows[kept.UID()]["opinions"]["member2"]["label"] == "继续保存5年"
    with api.env.adopt_user(username="officer"):
        counts = batches.submit(batch)
    assert counts == {"destroy": 1, "keep": 1, "permanent": 1}
    # the register lists the one record to destroy, with the standard columns
    sheet = load_workbook(io.BytesIO(certificate.register_file(batch, "xlsx"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:7] == ["序号", "档号", "题名", "年度", "保管期限", "页数/大小", "销毁理由"]
    assert values[2][1] == gone.archival_code and values[2][4] == "定期10年"
    assert "已无保存价值" in values[2][6] and len(values) == 3
    assert certificate.register_file(batch, "pdf").startswith(b"%PDF")

    with api.env.adopt_user(username="leader"):
        batches.decide(batch, True, "同意")
    assert batches.batch_state(batch).value == "approved"
    assert api.content.get_state(kept) == "archived" and kept.disposition_state == "retained"
    assert kept.next_review == datetime.date(today().year + 5, 12, 31)
    assert raised.retention_period == "Y" and "-Y-" in raised.archival_code
    assert raised.retention_expiry is None
    assert api.content.get_state(gone) == "appraisal"

    # copies the system controls: AIPs in every online location, a managed backup, a disc
    relpaths = [v["relpath"] for v in store.versions(gone)]
    assert relpaths, "the archived record has an AIP"
    locations = config.online_locations()
    assert all(aip_path(loc, relpaths[0]).exists() for loc in locations)
    root = config.work_dir("backups")
    made = backup_core.make_backup({f"aip-{loc.id}": loc.root for loc in locations}, root)
    copies = {f"aip-{loc.id}/{relpaths[0]}" for loc in locations}
    assert copies <= set(backup_core.read_backup_manifest(made.path))
    discs.on_disc(create=True)[relpaths[0]] = ("A-0001", "B-0001")
    blob_dirs = execution.purge.targets(gone)["blobs"]

    with api.env.adopt_user(username="officer"):
        status = execution.execute(batch, ["张三", "李四"])
    assert status["state"] == "executed" and status["destroyed"] == 1
    # tombstone: metadata kept, no files, destroyed; one ledger destroy entry
    assert api.content.get_state(gone) == "destroyed" and not gone.objectIds()
    assert gone.title and gone.archival_code and gone.disposition_state == "destroyed"
    events = [e for e in ledger_events(gone) if b'"destroy"' in e]
    assert len(events) == 1
    # every copy gone: AIP locations, digest index, backup (manifest still verifies)
    assert not any(aip_path(loc, r).exists() for loc in locations for r in relpaths)
    assert not set(relpaths) & set(store.index())
    assert not copies & set(backup_core.read_backup_manifest(made.path))
    assert backup_core.verify_backup(made.path).failed == []
    assert "DESTROYED" in " ".join(p.name for p in __import__("pathlib").Path(made.path).iterdir())
    for path in blob_dirs:
        assert not __import__("os").path.exists(path)
    # the carriers wait for a person
    assert [c["carrier"] for c in execution.pending_carriers(batch)] == ["A-0001", "B-0001"]
    with api.env.adopt_user(username="officer"):
        execution.confirm_carrier(batch, "A-0001", "已粉碎")
    assert [c["carrier"] for c in execution.pending_carriers(batch)] == ["B-0001"]
    assert discs.on_disc()[relpaths[0]] == ("B-0001",)
    # the certificate: kept on the batch and filed as an archived permanent WS record
    assert batch.certificate_file.data.startswith(b"%PDF")
    filed = api.content.get(UID=batch.certificate_uid)
    assert filed.retention_period == "Y" and filed.category_code == "WS"
    assert api.content.get_state(filed) == "archived" and filed.__parent__ == fonds
    assert [s["step"] for s in batch.step_log] == [
        "propose",
        "opinion",
        "opinion",
        "opinion",
        "opinion",
        "submit",
        "approve",
        "execute",
        "finish",
        "carrier",
    ]
    assert batch.supervisors == ("张三", "李四") and batch.executor == "officer"


def test_execution_resumes_after_a_stop(team, ap):
    records = [ap.expired_record(team, n) for n in range(1, 6)]
    batch = ap.propose(team, records)
    ap.opine(batch, "officer")
    ap.opine(batch, "member2")
    with api.env.adopt_user(username="officer"):
        batches.submit(batch)
    with api.env.adopt_user(username="leader"):
        batches.decide(batch, True)
    with api.env.adopt_user(username="officer"):
        first = execution.execute(batch, ["张三", "李四"], chunk=2, limit=2)  # "killed"
        assert first["state"] == "executing" and first["destroyed"] == 2
        # one record destroyed by the stopped run is not destroyed twice
        second = execution.execute(batch, chunk=2)
    assert second["state"] == "executed" and second["destroyed"] == 5
    assert all(api.content.get_state(r) == "destroyed" for r in records)
    for record in records:
        assert len([e for e in ledger_events(record) if b'"destroy"' in e]) == 1


def test_holdings_batch_archivist_proposes_leader_approves(team, ap):
    record = ap.expired_record(
        team, 9, states=("archive", "request_transfer", "transfer", "receive")
    )
    other = ap.expired_record(
        team, 10, states=("archive", "request_transfer", "transfer", "receive")
    )
    with api.env.adopt_user(username="archivist"):
        batches.set_group(team, "holdings", ["archivist", "member2"])
        batch = batches.propose(
            team, [record.UID(), other.UID()], kind="holdings", reason="馆藏鉴定"
        )
    assert batch.kind == "holdings"
    ap.opine(batch, "archivist")
    ap.opine(batch, "member2", record.UID())
    ap.opine(batch, "member2", other.UID(), "keep", years=10, reason="仍需保存")
    with api.env.adopt_user(username="archivist"):
        batches.submit(batch)
    # the agency's leader does not approve the archives' own appraisal
    with api.env.adopt_user(username="leader"), pytest.raises(AppraisalRefused) as info:
        batches.decide(batch, True, "同意")
    assert info.value.status == 403 and info.value.problems[0].code == "APPRAISAL-LEADER"
    assert "档案馆领导" in info.value.problems[0].message
    assert batches.batch_state(batch).value == "submitted"
    with api.env.adopt_user(username="archives-leader"):
        batches.decide(batch, True, "同意")
    assert batch.approver == "archives-leader"
    assert api.content.get_state(other) == "received"
    with api.env.adopt_user(username="archivist"):
        status = execution.execute(batch, ["王五", "赵六"])
    assert status["state"] == "executed"
    assert api.content.get_state(record) == "destroyed"


def test_rejected_batch_keeps_everything(expired, ap):
    batch = ap.propose(expired[0].__parent__, expired)
    ap.opine(batch, "officer")
    ap.opine(batch, "member2")
    with api.env.adopt_user(username="officer"):
        batches.submit(batch)
    with api.env.adopt_user(username="leader"):
        batches.decide(batch, False, "暂缓销毁")
    assert batches.batch_state(batch).value == "rejected"
    assert {api.content.get_state(r) for r in expired} == {"archived"}
    assert not batches.open_batches().get(expired[0].UID())


def _submitted(ap, team, records, proposer="officer", kind="agency", group=None):
    if group:
        with api.env.adopt_user(username=proposer):
            batches.set_group(team, kind, group)
    with api.env.adopt_user(username=proposer):
        batch = batches.propose(team, [r.UID() for r in records], kind=kind, reason="保管期满")
    for member in batch.members:
        ap.opine(batch, member)
    with api.env.adopt_user(username=proposer):
        batches.submit(batch)
    return batch


def refused_approval(user, batch, code):
    with api.env.adopt_user(username=user), pytest.raises(AppraisalRefused) as info:
        batches.decide(batch, True, "同意")
    assert info.value.status == 403 and [p.code for p in info.value.problems] == [code]
    assert batches.batch_state(batch).value == "submitted" and not batch.approver
    return info.value


def test_agency_batch_needs_the_agency_leader(team, ap):
    """机关档案室批次由机关领导审批：the archives' leader (global Leader) is refused."""
    batch = _submitted(ap, team, [ap.expired_record(team, n) for n in (1, 2)])
    error = refused_approval("archives-leader", batch, "APPRAISAL-LEADER")
    assert "机关领导" in error.problems[0].message
    with api.env.adopt_user(username="archives-leader"):
        assert not batches.is_leader(batch)
    with api.env.adopt_user(username="leader"):
        assert batches.is_leader(batch)
        batches.decide(batch, True, "同意")
    assert batches.batch_state(batch).value == "approved" and batch.approver == "leader"


def test_no_leader_approves_their_own_proposal(team, ap):
    """An agency leader who also proposes (records officer too), an archives leader who is
    also an archivist: each refused their own batch, approved by the other leader of that
    kind."""
    api.user.grant_roles(username="leader", obj=team, roles=["RecordsOfficer"])
    agency = _submitted(ap, team, [ap.expired_record(team, 1)], proposer="leader")
    refused_approval("leader", agency, "APPRAISAL-OWN-PROPOSAL")
    api.user.grant_roles(username="archives-leader", roles=["Leader", "Archivist"])
    received = ("archive", "request_transfer", "transfer", "receive")
    holdings = _submitted(
        ap,
        team,
        [ap.expired_record(team, 2, states=received)],
        proposer="archives-leader",
        kind="holdings",
        group=["archives-leader", "member2"],
    )
    refused_approval("archives-leader", holdings, "APPRAISAL-OWN-PROPOSAL")
    refused_approval("leader", holdings, "APPRAISAL-LEADER")
    api.user.create(email="l2@example.org", username="leader2", password="x" * 12, roles=["Leader"])
    with api.env.adopt_user(username="leader2"):
        batches.decide(holdings, True, "同意")  # another archives' leader
    assert batches.batch_state(holdings).value == "approved"
