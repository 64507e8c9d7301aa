"""The served OpenAPI document (接口说明) as the tests read it: operations, the registered
services it must cover, and the check of one answer against the operation it documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

from sd.archive.services.intake.get import OPENAPI

METHODS = ("get", "put", "post", "delete", "patch")
BASE = "urn:sd-archive:openapi"

#: where a service registered for an interface lives in the document's paths
CONTEXTS = {
    "IPloneSiteRoot": [""],
    "ISiteRoot": [""],
    "IFonds": ["/{fonds}"],
    "IDossier": ["/{fonds}/{dossier}", "/{fonds}/{object}"],
    "IRecord": ["/{fonds}/{record}", "/{fonds}/{object}"],
    "IAccessRequest": ["/access-requests/{id}"],
    "ITransferBatch": ["/{batch}"],
    "IAppraisalBatch": ["/{fonds}/{batch}"],
    "IRectificationNotice": ["/rectification-notices/{notice}"],
}

SERVICE_NAME = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)_application_json_(@[\w.-]+)$")


def load() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def operations(document: dict):
    """``(path, method, operation)`` of every operation."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass(frozen=True)
class Service:
    """One plone.rest service registration of sd.archive."""

    method: str
    name: str
    context: str
    permission: str  # the permission's title, as Zope protects the class
    module: str


def registered_services() -> list[Service]:
    """The services sd.archive registers, read from the component registry (plone.rest
    registers each as a named adapter ``<METHOD>_application_json_<name>``). Registrations
    whose class is plone.restapi's own (the stricter permissions in ``security/``) are
    plone.restapi endpoints, documented by plone.restapi."""
    from zope.component import getGlobalSiteManager

    found = set()
    for reg in getGlobalSiteManager().registeredAdapters():
        match = SERVICE_NAME.match(reg.name or "")
        if not match:
            continue
        implementation = reg.factory.__bases__[0]
        if not implementation.__module__.startswith("sd.archive."):
            continue
        permissions = getattr(reg.factory, "__ac_permissions__", ()) or ()
        found.add(
            Service(
                match.group(1).lower(),
                match.group(2),
                reg.required[0].__name__,
                permissions[0][0] if permissions else "",
                implementation.__module__,
            )
        )
    return sorted(found, key=lambda s: (s.name, s.method, s.context))


def documented(document: dict, service: Service) -> list[tuple[str, str, dict]]:
    """The operations that document ``service`` (its path or a sub-path, e.g. ``@ledger/proof``)."""
    found = []
    for prefix in CONTEXTS.get(service.context, []):
        base = f"{prefix}/{service.name}"
        for path, method, op in operations(document):
            if method == service.method and (path == base or path.startswith(base + "/")):
                found.append((path, method, op))
    return found


def node_path(ref: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in ref.lstrip("#/").split("/")]


def resolve(document: dict, node: dict) -> dict:
    """Follow ``$ref`` (within the document) until a plain object."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node_path(node["$ref"]):
            target = target[part]
        node = target
    return node


def validator(document: dict, schema: dict) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator of ``schema`` whose ``#/components/…`` references
    resolve in the document."""
    text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{BASE}#/')
    registry = Registry().with_resource(BASE, Resource.from_contents(document, DRAFT202012))
    return Draft202012Validator(json.loads(text), registry=registry)


def check_answer(document: dict, path: str, method: str, response) -> list[str]:
    """What is wrong with ``response`` for the documented operation (empty: nothing)."""
    op = document["paths"][path][method]
    status = str(response.status_code)
    answers = op.get("responses", {})
    if status not in answers and "default" not in answers:
        return [
            f"{method.upper()} {path}: status {status} not documented "
            f"({', '.join(sorted(answers))}): {_short(response.text)}"
        ]
    answer = resolve(document, answers.get(status, answers.get("default")))
    content = answer.get("content") or {}
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    if not content:
        return []
    if media not in content:
        return [f"{method.upper()} {path} {status}: media type {media!r} not in {sorted(content)}"]
    if media != "application/json":
        return []
    schema = content[media].get("schema") or {}
    try:
        body = response.json()
    except ValueError:
        return [f"{method.upper()} {path} {status}: body is not JSON: {response.text[:200]}"]
    errors = sorted(validator(document, schema).iter_errors(body), key=lambda e: e.path)
    return [
        f"{method.upper()} {path} {status}: {'/'.join(map(str, e.absolute_path))}: "
        f"{e.message[:200]}"
        for e in errors[:5]
    ]


def _short(text: str) -> str:
    """A body on one line, cut: enough to see which rule answered."""
    return " ".join(text.split())[:240]
