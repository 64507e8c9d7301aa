"""Control panels and the fonds' arrangement rules: export → import round trip, strict import."""

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.restapi.testing import RelativeSession

from sd.archive import rules
from sd.archive.core.errors import ArchiveError
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record


@pytest.mark.parametrize("fmt", ["xml", "csv"])
@pytest.mark.parametrize("which", ["scheme", "schedule"])
def test_export_import_round_trip(fonds, which, fmt):
    exported = rules.export(fonds, which, fmt)
    importer = rules.import_scheme if which == "scheme" else rules.import_schedule
    importer(fonds, exported, fmt)
    assert rules.export(fonds, which, fmt) == exported


def test_edited_schedule_changes_arrangement_data(fonds):
    csv = rules.export(fonds, "schedule", "csv").decode("utf-8-sig")
    edited = csv.replace("GW-01,90,", "GW-01,95,", 1)
    rules.import_schedule(fonds, edited.encode("utf-8-sig"), "csv")
    rule = next(r for r in rules.fonds_schedule(fonds).rules if r.id == "GW-01")
    assert rule.priority == 95


def test_bad_schedule_is_refused_and_nothing_changes(fonds):
    before = rules.export(fonds, "schedule", "xml")
    csv = rules.export(fonds, "schedule", "csv").decode("utf-8-sig")
    broken = csv.replace(",WS,Y,", ",XX,Q7,", 1)
    with pytest.raises(ArchiveError) as info:
        rules.import_schedule(fonds, broken.encode("utf-8"), "csv")
    assert info.value.problems  # says which line and what is wrong
    assert all(p.object for p in info.value.problems)
    assert rules.export(fonds, "schedule", "xml") == before


def test_scheme_of_other_fonds_refused(fonds, other_fonds):
    with pytest.raises(ArchiveError):
        rules.import_scheme(fonds, rules.export(other_fonds, "scheme", "xml"), "xml")


def test_code_rule_comes_from_scheme(manager):
    fonds = make_fonds(manager, "k1", "K001", grammar="DA/T 13-2022")
    assert assign_code(make_record(fonds), "WS", 2020, "D30", "BGS") == "K001-WS·2020·D30·BGS-0001"


@pytest.mark.parametrize(
    "record_name",
    [
        "sd.archive.settings.network_domain",
        "sd.archive.settings.digest_algorithms",
        "sd.archive.arrangement.template_scheme_xml",
    ],
)
def test_registry_records(portal, record_name):
    assert record_name in portal.portal_registry.records


def test_network_domain_default(portal):
    """The profile's default; the test layer plays every node (combined) on top of it."""
    record = portal.portal_registry.records["sd.archive.settings.network_domain"]
    assert record.field.default == "administrative"
    assert record.field.vocabularyName == "sd.archive.NodeDomains"


class TestRest:
    @pytest.fixture
    def session(self, functional):
        portal = functional["portal"]
        with api.env.adopt_roles(["Manager"]):
            make_fonds(portal)
        transaction.commit()
        s = RelativeSession(portal.absolute_url())
        s.headers.update({"Accept": "application/json"})
        s.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        yield s
        s.close()

    @pytest.mark.parametrize("panel", ["sd-archive-settings", "sd-archive-arrangement"])
    def test_controlpanels_listed(self, session, panel):
        response = session.get(f"@controlpanels/{panel}")
        assert response.status_code == 200
        assert response.json()["data"]

    def test_set_network_domain_via_rest(self, session):
        response = session.patch(
            "@controlpanels/sd-archive-settings", json={"network_domain": "public-service"}
        )
        assert response.status_code == 204
        data = session.get("@controlpanels/sd-archive-settings").json()["data"]
        assert data["network_domain"]["token"] == "public-service"

    def test_rules_rest_round_trip(self, session):
        csv = session.get("j001/@arrangement-rules?which=schedule&format=csv")
        assert csv.status_code == 200
        assert "规则编号" in csv.content.decode("utf-8-sig")
        response = session.post(
            "j001/@arrangement-rules?which=schedule&format=csv",
            data=csv.content,
            headers={"Content-Type": "text/csv"},
        )
        assert response.status_code == 204, response.text
        summary = session.get("j001/@arrangement-rules").json()
        assert summary["categories"][0]["grammar"] == "DA/T 22-2015"

    def test_rules_rest_bad_file(self, session):
        response = session.post(
            "j001/@arrangement-rules?which=scheme&format=csv",
            data="类型,代码\n门类,\n".encode(),
            headers={"Content-Type": "text/csv"},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["type"] and body["errors"]

    def test_rules_page(self, session):
        page = session.get("j001/@@arrangement-rules", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "export-schedule-csv" in page.text
