"""退回/不合格 (#24): @@rejections lists rejected packages in Chinese with the rule that failed
and where, one page per rejection, linked from the workbench; each sees only their fonds'."""

import transaction
from plone import api

from sd.archive.core.errors import Problem
from sd.archive.intake.rejections import add_rejection
from sd.archive.testing import rest_session


def page(session, url):
    session.headers["Accept"] = "text/html"
    session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    return session.get(url)


def test_rejections_page_per_role(fportal):
    from sd.archive.testing import make_fonds

    j001 = make_fonds(fportal)
    make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    for user_id, roles in (("officer", ()), ("supervisor", ("Supervisor",)), ("svc", ())):
        api.user.create(
            email=f"{user_id}@example.org",
            username=user_id,
            password="secret-12345",
            roles=roles or ("Member",),
        )
    api.user.grant_roles(username="officer", obj=j001, roles=["RecordsOfficer", "Reader"])
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    mine = add_rejection(
        fportal,
        actor="svc",
        kind="archive",
        fonds_code="J001",
        package_digest="ab" * 32,
        record_id="OA-J001-1",
        error={
            "type": "DetectionFailed",
            "message": "1 checks failed",
            "errors": [
                Problem("GD-1-1", "SM3 digest differs", "正本/正本.ofd", "authenticity").as_dict()
            ],
        },
    )
    other = add_rejection(
        fportal,
        actor="svc-j002",
        kind="transfer",
        fonds_code="J002",
        package_digest="cd" * 32,
        record_id="OA-J002-1",
        error={"type": "DetectionFailed", "message": "1 checks failed", "errors": []},
    )
    transaction.commit()
    site = fportal.absolute_url()
    officer = rest_session(fportal, "officer", "secret-12345")
    html = page(officer, f"{site}/@@rejections").text
    assert f'data-id="{mine["id"]}"' in html and f'data-id="{other["id"]}"' not in html
    assert "固化信息有效性（清单摘要值）" in html and "正本/正本.ofd" in html
    assert "北京时间" in html and "svc" in html
    detail = page(officer, f"{site}/j001/@@rejections?id={mine['id']}")
    assert detail.status_code == 200
    items = detail.text.split('id="sd-rejection-items"')[1].split("</table>")[0]
    assert "GD-1-1" in items and "真实性" in items and "SM3 digest differs" in items
    assert "归档接口" in detail.text and "四性检测不通过" in detail.text
    hidden = page(officer, f"{site}/@@rejections?id={other['id']}")
    assert hidden.status_code == 404 and "OA-J002-1" not in hidden.text
    supervisor = rest_session(fportal, "supervisor", "secret-12345")
    html = page(supervisor, f"{site}/@@rejections").text
    assert f'data-id="{mine["id"]}"' in html and f'data-id="{other["id"]}"' in html
    html = page(supervisor, f"{site}/j001/@@rejections").text  # one fonds' page
    assert f'data-id="{other["id"]}"' not in html
    assert html.count("<h1") == 1  # the page's own heading, not the fonds' title above it
    assert detail.text.count("<h1") == 1
    # the workbench's queues link to the page
    home = page(officer, site).text
    assert f"{site}/j001/@@rejections" in home
    assert f"{site}/@@rejections" in page(supervisor, site).text
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()
