"""#24 item 6: the batch page shows records done / total and a bar while the worker checks."""

import re

import transaction
from plone import api
from transfer_helpers import SAMPLE
from transfer_helpers import post
from transfer_helpers import unrestricted

from sd.archive.transfer import batch as state
from sd.archive.transfer import worker


def test_batch_page_shows_progress_while_checking(site, room, archivist, monkeypatch):
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
    monkeypatch.setattr(worker, "start", original)
    transaction.begin()
    assert unrestricted(body["UID"]).progress["cursor"] == 3
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    site.setLanguage("zh-cn")
    transaction.commit()
    # the worker is busy with record 3 (as the page sees it)
    monkeypatch.setattr(state, "running", lambda batch: True)
    html = archivist.get(
        body["@id"] + "/@@transfer-batch",
        headers={"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"},
    ).text
    progress = re.search(r'<p id="transfer-progress".*?</p>', html, re.S).group(0)
    assert 'data-running="true"' in progress
    assert "进度" in progress and "2 / 5" in progress and "(40.0%)" in progress
    assert "后台检测中" in progress
    assert 'aria-valuenow="40.0"' in html and "width: 40.0%" in html
    assert "progress-bar-animated" in html and "window.location.reload()" in html
    # once the worker has stopped, the page stops refreshing and offers to resume
    monkeypatch.setattr(state, "running", lambda batch: False)
    html = archivist.get(
        body["@id"] + "/@@transfer-batch",
        headers={"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"},
    ).text
    assert 'data-running="false"' in html and "2 / 5" in html
    assert "window.location.reload()" not in html and 'name="resume"' in html
