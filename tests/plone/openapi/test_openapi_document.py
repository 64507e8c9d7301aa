"""The OpenAPI document (#29 item 6): valid OpenAPI 3.1, and it covers every REST service
sd.archive registers — a service added without its operation fails here."""

import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from zope.component import queryUtility
from zope.security.interfaces import IPermission

from sd.archive.services.intake.get import OPENAPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from openapi_doc import CONTEXTS  # noqa: E402
from openapi_doc import documented  # noqa: E402
from openapi_doc import load  # noqa: E402
from openapi_doc import operations  # noqa: E402
from openapi_doc import registered_services  # noqa: E402


def test_document_is_valid_openapi_3_1():
    document = load()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on the first fault, naming it


def test_document_has_unique_operation_ids_and_one_entry_per_path():
    document = load()
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    text = OPENAPI.read_text(encoding="utf-8")
    path_lines = [line for line in text.splitlines() if line.startswith("  /")]
    assert len(path_lines) == len(set(path_lines)), "a path is written twice (YAML keeps the last)"


def test_validation_catches_a_broken_document():
    document = load()
    document["paths"]["/@openapi"]["get"]["responses"] = {"200": {"content": {}}}  # no description
    with pytest.raises(Exception, match="description"):
        validate(document)


def test_every_registered_service_is_documented(integration):
    services = registered_services()
    assert len(services) >= 40  # the registry was read (sd.archive registers 45 and more)
    unknown = {s.context for s in services} - set(CONTEXTS)
    assert not unknown, f"add the path prefix of {unknown} to openapi_doc.CONTEXTS"
    document = load()
    missing = [
        f"{s.method.upper()} {s.name} on {s.context} ({s.module})"
        for s in services
        if not documented(document, s)
    ]
    assert not missing, "services missing from openapi.yaml:\n" + "\n".join(missing)


def test_every_documented_operation_is_a_registered_service(integration):
    services = registered_services()
    covered = set()
    document = load()
    for service in services:
        covered.update((path, method) for path, method, _ in documented(document, service))
    stale = [f"{m.upper()} {p}" for p, m, _ in operations(document) if (p, m) not in covered]
    assert not stale, "operations no service answers:\n" + "\n".join(stale)


def test_each_operation_names_the_permission_it_is_registered_with(integration):
    """``x-permission`` starts with the ZCML permission id of the registration."""
    document = load()
    wrong = []
    for service in registered_services():
        for path, method, op in documented(document, service):
            named = (op.get("x-permission") or "").split(" ")[0]
            if named == "zope.Public" and service.permission == "":
                continue  # public in ZCML: the service checks the caller (its words say how)
            utility = queryUtility(IPermission, name=named)
            title = utility.title if utility is not None else None
            if title != service.permission:
                wrong.append(
                    f"{method.upper()} {path}: {named!r} but registered {service.permission!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_site_serves_the_document(functional):
    import transaction

    from sd.archive.testing import rest_session

    transaction.commit()
    session = rest_session(functional["portal"])
    answer = session.get("@openapi")
    assert answer.status_code == 200
    served = answer.json()
    document = load()
    assert served["paths"] == document["paths"]
    assert served["servers"] == [{"url": functional["portal"].absolute_url()}]
    yaml_answer = session.get("@openapi", params={"format": "yaml"})
    assert yaml_answer.headers["Content-Type"].startswith("application/yaml")
    session.close()
