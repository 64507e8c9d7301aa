"""The reviewers' queue on the workbench (开放审核待办, #25)."""

import transaction

from sd.archive.testing import rest_session


def _html(session, url):
    session.headers.update({"Accept": "text/html"})
    return session.get(url).text


def test_queue_for_reviewers_only(review_site):
    portal, fonds, other, made = review_site
    reviewer = rest_session(portal, "archivist")
    html = _html(reviewer, f"{portal.absolute_url()}/@@workbench")
    block = html.split('id="sd-wb-openreview"')[1].split("</section>")[0]
    assert "开放审核待办" in html
    # three records due (the held one is left out of batches, still counted as due)
    assert "sd-wb-openreview-due" in block
    rest = rest_session(portal, "archivist")
    assert rest.post("@openreview-batches", json={"fonds": "J001"}).status_code == 201
    transaction.begin()
    html = _html(reviewer, f"{portal.absolute_url()}/@@workbench")
    block = html.split('id="sd-wb-openreview"')[1].split("</section>")[0]
    assert "KF-" in block
    member = rest_session(portal, "member")
    assert 'id="sd-wb-openreview"' not in _html(member, f"{portal.absolute_url()}/@@workbench")
