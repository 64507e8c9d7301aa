"""#31 item 1: the node's network domain decides what it takes in (422 with the reason,
nothing stored), which fonds may live there, and what the fonds form and REST offer."""

import transaction
from intake_helpers import holdings
from intake_helpers import post
from intake_helpers import sample
from intake_helpers import session_for
from plone import api

SETTING = "sd.archive.settings.network_domain"


def set_node(domain: str) -> None:
    api.portal.set_registry_record(SETTING, domain)
    transaction.commit()


def test_a_government_service_package_sent_to_the_administrative_node_is_refused(site, svc2):
    set_node("administrative")
    before = holdings(site)
    answer = post(svc2, "@archive", sample("archive-zhengwu.zip"))
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["type"] == "DomainRefused"
    codes = {e["code"]: e for e in body["errors"]}
    assert set(codes) == {"domain.record-kind"}
    assert codes["domain.record-kind"]["object"] == "电子文件/@类型"
    assert "电子政务外网节点只接收电子公文" in codes["domain.record-kind"]["message"]
    assert holdings(site) == before  # nothing stored
    assert post(svc2, "@pre-archive", sample("archive-zhengwu.zip")).status_code == 422


def test_the_public_service_node_takes_service_files_of_its_own_fonds_only(site, svc, svc2):
    set_node("public-service")
    refused = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert refused.status_code == 422
    assert {e["code"] for e in refused.json()["errors"]} == {"domain.record-kind", "domain.fonds"}
    wrong_fonds = post(svc2, "@archive", sample("archive-zhengwu.zip"))  # J002 is administrative
    assert [e["code"] for e in wrong_fonds.json()["errors"]] == ["domain.fonds"]
    transaction.begin()
    site["j002"].network_domain = "public-service"
    transaction.commit()
    accepted = post(svc2, "@archive", sample("archive-zhengwu.zip"))
    assert accepted.status_code == 201, accepted.text


def test_the_archives_lan_serves_no_business_system(site, svc):
    set_node("archives")
    for endpoint in ("@archive", "@pre-archive"):
        answer = post(svc, endpoint, sample("archive-gongwen.zip"))
        assert answer.status_code == 422
        assert [e["code"] for e in answer.json()["errors"]] == ["domain.interface"]


def test_a_fonds_of_another_domain_cannot_be_made_here(site):
    set_node("administrative")
    admin = session_for(site, "admin")
    fonds = {"@type": "Fonds", "id": "j009", "title": "某某局", "fonds_code": "J009"}
    refused = admin.post(
        "", json={**fonds, "agency_name": "某某局", "network_domain": "public-service"}
    )
    assert refused.status_code == 400, refused.text
    assert "network_domain" in refused.text
    made = admin.post("", json={**fonds, "agency_name": "某某局"})
    assert made.status_code == 201, made.text
    assert made.json()["network_domain"]["token"] == "administrative"
    set_node("public-service")
    other = admin.post(
        "", json={**fonds, "id": "j010", "fonds_code": "J010", "agency_name": "某某中心"}
    )
    assert other.json()["network_domain"]["token"] == "public-service"
    assert other.json()["record_kinds"][0]["token"] == "government-service-file"


def test_a_production_node_set_to_combined_takes_nothing_in(site, svc):
    api.portal.set_registry_record("sd.archive.settings.production", True)
    set_node("combined")
    answer = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert answer.status_code == 422
    assert [e["code"] for e in answer.json()["errors"]] == ["domain.combined-in-production"]
