"""Pages of the open-access review (开放审核): propose, decide in bulk and per record with
hints, refusals in words with 4xx, approval by another reviewer, the open catalogue links;
zh_CN, no JSON or traceback."""

import sys
from pathlib import Path

import transaction
from zope.interface import implementer

from sd.archive.openreview import batches
from sd.archive.openreview.hints import ISensitiveFinder
from sd.archive.testing import rest_session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from openreview_data import finder_registered  # noqa: E402


@implementer(ISensitiveFinder)
class Finder:
    def findings(self, record):
        return [{"kind": "id_number", "excerpt": "110101199001011234", "where": "正本.pdf 第1页"}]


def _page(session, url, **form):
    session.headers.update({"Accept": "text/html", "Accept-Language": "zh-cn"})
    if form:
        return session.post(url, data=form)
    return session.get(url)


def _token(session, url):
    import re

    html = _page(session, url).text
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_pages_walk(review_site):
    portal, fonds, other, made = review_site
    base = portal.absolute_url()
    reviewer = rest_session(portal, "archivist")
    token = _token(reviewer, f"{base}/@@openreview")
    response = _page(
        reviewer,
        f"{base}/@@openreview",
        fonds="J001",
        title="2026 年度开放审核",
        _authenticator=token,
        **{"form.propose": "1"},
    )
    assert response.status_code == 200 and "开放审核批次" in response.text, response.text[-3000:]
    transaction.begin()
    store = batches.storage()
    (batch_id,) = list(store["batches"].keys())
    url = f"{base}/@@openreview-batch?id={batch_id}"
    with finder_registered(Finder()):
        html = _page(reviewer, url).text
    assert "身份证号" in html and "110101199001011234" in html  # reasons to look closer
    assert "{" not in html.split('id="sd-openreview-batch"')[1].split("</table>")[0]
    # a bulk controlled use without its reason: refused in words, 422, nothing stored
    token = _token(reviewer, url)
    refused = _page(
        reviewer,
        url,
        scope="all",
        decision="controlled",
        next_review="2031-01-01",
        _authenticator=token,
        **{"form.bulk": "1"},
    )
    assert refused.status_code == 422 and "须说明理由" in refused.text
    transaction.begin()
    assert len(batches.get_batch(batch_id).decisions) == 0
    ok = _page(
        reviewer,
        url,
        scope="all",
        decision="open",
        _authenticator=token,
        **{"form.bulk": "1"},
    )
    assert ok.status_code == 200, ok.text[-2000:]
    own = _page(reviewer, url, _authenticator=token, **{"form.approve": "1"})
    assert own.status_code == 403 and "不得审批本人" in own.text
    second = rest_session(portal, "archivist2")
    token2 = _token(second, url)
    done = _page(second, url, _authenticator=token2, **{"form.approve": "1"})
    assert done.status_code == 200 and "已批准开放" in done.text
    assert "catalogue.xlsx" in done.text and "catalogue.pdf" in done.text
    assert "Traceback" not in done.text


def test_page_refuses_other_fonds(review_site):
    portal, fonds, other, made = review_site
    session = rest_session(portal, "archivist")
    assert session.post("@openreview-batches", json={"fonds": "J001"}).status_code == 201
    transaction.begin()
    (batch_id,) = list(batches.storage()["batches"].keys())
    outsider = rest_session(portal, "reviewer-j002")
    response = _page(outsider, f"{portal.absolute_url()}/@@openreview-batch?id={batch_id}")
    assert response.status_code == 403 and "无权审核该全宗" in response.text
