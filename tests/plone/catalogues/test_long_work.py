"""#24 item 6: a catalogue over 1,000 records warns before the PDF and shows 正在生成… on click."""

from sd.archive.browser.catalogues import views


def test_expected_seconds():
    assert views.expected_seconds(1) == 1
    assert views.expected_seconds(2500) == 5
    assert views.expected_seconds(10000) == 20


def test_page_warns_over_a_thousand_records(zh, ffonds, session, monkeypatch):
    officer = session("officer")
    officer.headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.5"
    url = f"{ffonds.absolute_url()}/@@catalogue"
    small = officer.get(url, headers={"Accept": "text/html"}).text
    assert "sd-catalogue-long" not in small and "data-sd-working" not in small
    monkeypatch.setattr(views.CatalogueView, "count", lambda self: 2500)
    page = officer.get(url, headers={"Accept": "text/html"}).text
    assert "<strong>2500</strong>" in page
    assert 'id="sd-catalogue-long"' in page and "生成 2500 件的 PDF 约需 5 秒" in page
    assert 'data-sd-working="1" data-sd-seconds="5"' in page
    assert "正在生成…" in page and "spinner-border" in page


def test_batch_page_counts_the_ticked_records_and_shows_working(zh, ffonds, session):
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = officer.get(f"{ffonds.absolute_url()}/@@batch-describe").text
    ticked = page.split('id="sd-batch-ticked"')[1].split("</p>")[0]
    assert "已勾选件数" in ticked and "<strong>0</strong>" in ticked
    assert page.count('data-sd-working="1"') == 2 and "正在处理…" in page
    assert "spinner-border" in page
