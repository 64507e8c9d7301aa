"""A batch processed in the background, interrupted after k records, listed and resumed."""

import transaction
from transfer_helpers import SAMPLE
from transfer_helpers import holdings
from transfer_helpers import post
from transfer_helpers import unrestricted

from sd.archive.transfer import worker


def test_interrupted_batch_resumes(site, room, archivist, monkeypatch):
    started = []
    original = worker.start

    def stop_after_two(batch, stop_after=None):
        thread = original(batch, stop_after=2)
        started.append(thread)
        return thread

    monkeypatch.setattr(worker, "start", stop_after_two)
    response = post(room, SAMPLE.read_bytes(), Prefer="respond-async")
    assert response.status_code == 202, response.text[:2000]
    body = response.json()
    started[0].join(60)
    transaction.begin()
    batch = unrestricted(body["UID"])
    assert batch.progress["cursor"] == 3 and batch.progress["finished"] is None
    assert [b.getId() for b in worker.unfinished(site)] == [batch.getId()]
    progress = room.get(body["@id"] + "/@detection").json()
    assert progress["status"] == "checking" and progress["result"] == "running"
    assert progress["progress"]["processed"] == 2 and not progress["progress"]["running"]
    assert holdings(site) == (2, {"received": 2})
    monkeypatch.setattr(worker, "start", original)
    assert room.post(body["@id"] + "/@resume").status_code in (401, 403)  # not an archivist
    resumed = archivist.post(body["@id"] + "/@resume")
    assert resumed.status_code == 202, resumed.text
    transaction.begin()
    worker.join(unrestricted(body["UID"]), 60)
    done = room.get(body["@id"] + "/@detection").json()
    assert done["status"] == "awaiting_acceptance"
    assert [r["outcome"] for r in done["records"]] == ["received"] * 5
    assert [r["sequence"] for r in done["records"]] == [1, 2, 3, 4, 5]
    assert holdings(site) == (5, {"received": 5})
    transaction.begin()
    assert worker.unfinished(site) == []
    assert archivist.post(body["@id"] + "/@resume").status_code == 409
