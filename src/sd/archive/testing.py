"""Test layers of sd.archive (测试层)."""

import os
import pathlib
from contextlib import contextmanager

from plone import api
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import applyProfile
from plone.testing.zope import WSGI_SERVER_FIXTURE

import sd.archive
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

# the shared folder beside the checkout: specs and real third-party samples
SHARED = pathlib.Path(
    os.environ.get(
        "SD_ARCHIVE_SHARED", pathlib.Path(__file__).resolve().parents[3].parent / "shared"
    )
)
PACKAGE_SAMPLES = SHARED / "samples" / "packages"
OFD_SAMPLES = SHARED / "samples" / "ofd"

os.environ.setdefault("TZ", "Asia/Shanghai")
os.environ.setdefault("zope_i18n_compile_mo_files", "true")
os.environ.setdefault("SD_ARCHIVE_FIXITY_SCHEDULER", "off")  # tests call schedule.tick()
os.environ.setdefault("SD_ARCHIVE_OPENREVIEW_SCHEDULER", "off")  # tests call yearly()
os.environ.setdefault("SD_ARCHIVE_AUDIT_ANCHOR_SCHEDULER", "off")  # tests anchor themselves
os.environ.setdefault("SD_ARCHIVE_POSTPROCESS", "inline")  # queue tests switch it on themselves


class SdArchiveLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import plone.restapi

        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=sd.archive)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "plone.restapi:default")
        applyProfile(portal, "sd.archive:default")
        # plone.app.testing switches workflows off; sd.archive's bindings come from its profile.
        portal.portal_workflow.setDefaultChain("simple_publication_workflow")
        # the test site plays every node (全部网域); tests of one domain set it themselves
        api.portal.set_registry_record("sd.archive.settings.network_domain", "combined")


FIXTURE = SdArchiveLayer()

INTEGRATION_TESTING = IntegrationTesting(bases=(FIXTURE,), name="SdArchiveLayer:IntegrationTesting")
FUNCTIONAL_TESTING = FunctionalTesting(bases=(FIXTURE,), name="SdArchiveLayer:FunctionalTesting")
ACCEPTANCE_TESTING = FunctionalTesting(
    bases=(FIXTURE, WSGI_SERVER_FIXTURE), name="SdArchiveLayer:AcceptanceTesting"
)


# --- helpers for tests, demo scripts and benchmarks -------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_fonds(
    container, fonds_id="j001", code="J001", grammar="DA/T 22-2015", use_org_code=True, **extra
):
    """A fonds whose WS category numbers by ``grammar`` (DA/T 22-2015 or DA/T 13-2022)."""
    from sd.archive.core import codes
    from sd.archive.rules import set_category_rule

    fonds = api.content.create(
        container=container,
        type="Fonds",
        id=fonds_id,
        title=f"Fonds {code}",
        fonds_code=code,
        agency_name=f"Agency {code}",
        **extra,
    )
    set_category_rule(
        fonds,
        "WS",
        codes.CodeRule(
            grammar=codes.DAT13 if grammar.startswith("DA/T 13") else codes.DAT22,
            use_org=use_org_code,
        ),
    )
    return fonds


def make_record(fonds, n=1, **metadata):
    values = {
        "title": f"关于档案工作的通知（{n}）",
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-{fonds.fonds_code}-{n:06d}",
        "fonds_code": fonds.fonds_code,
        "year": 2023,
        "retention_period": "Y",
    }
    values.update(metadata)
    return create_record(
        fonds,
        values,
        [
            ComponentData(
                filename="正本.pdf",
                data=PDF,
                role="正本",
                sequence=1,
                content_type="application/pdf",
                format_name="PDF",
            ),
            ComponentData(
                filename="处理单.pdf",
                data=PDF + b"%2",
                role="处理单",
                sequence=2,
                content_type="application/pdf",
                format_name="PDF",
            ),
        ],
    )


def make_users(accounts: dict, fonds=None, password="secret-12345", other=None) -> None:
    """Create the test accounts (测试用户): ``{login: (global roles, local roles)}``.

    The local roles are a list granted on ``fonds``, or ``{fonds id: roles}`` with ``fonds``
    a dict of fonds by id. With ``other`` (another fonds), the account ``other-officer`` is
    its records officer and reader."""
    for user_id, (roles, local) in accounts.items():
        api.user.create(
            email=f"{user_id}@example.org",
            username=user_id,
            password=password,
            roles=roles or ("Member",),
        )
        grants = local.items() if isinstance(local, dict) else [(None, local)]
        for fonds_id, local_roles in grants:
            if local_roles:
                where = fonds if fonds_id is None else fonds[fonds_id]
                api.user.grant_roles(username=user_id, obj=where, roles=local_roles)
    if other is not None:
        api.user.grant_roles(
            username="other-officer", obj=other, roles=["RecordsOfficer", "Reader"]
        )


def rest_session(portal, user=None, password="secret-12345"):
    """A plone.restapi session on ``portal`` as ``user`` ("admin": the site owner)."""
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD
    from plone.restapi.testing import RelativeSession

    session = RelativeSession(portal.absolute_url(), test=None)
    session.headers.update({"Accept": "application/json"})
    if user == "admin":
        session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    elif user:
        session.auth = (user, password)
    return session


@contextmanager
def rest_sessions(portal, password="secret-12345"):
    """``with rest_sessions(portal) as session``: ``session(user)`` opens a REST session as
    ``user`` (None: anonymous; "admin": the site owner); all are closed at the end (a test
    fixture yields ``session``)."""
    opened = []

    def make(user=None):
        opened.append(rest_session(portal, user, password))
        return opened[-1]

    try:
        yield make
    finally:
        for s in opened:
            s.close()


def free_ports(count: int) -> list[int]:
    """Free localhost ports for Zope processes started by a test."""
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def ledger_nodes_script(name: str = "ledger_nodes"):
    """``scripts/ledger_nodes.py`` of the checkout as a module: nodes as separate Zope processes."""
    import importlib.util

    script = pathlib.Path(__file__).resolve().parents[3] / "scripts" / "ledger_nodes.py"
    spec = importlib.util.spec_from_file_location(name, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: the users of the role tests (one per role; "other-officer" keeps fonds J002), shared by the
#: permission, search and PostgreSQL search tests
ROLE_USERS = {
    # user id: (global roles, local roles on fonds J001)
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "submitter": ([], ["Submitter"]),
    "archivist": (["Archivist"], []),
    "supervisor": (["Supervisor"], []),
    "sysadmin": (["SystemAdministrator"], []),
    "secadmin": (["SecurityAdministrator"], []),
    "auditor": (["SecurityAuditor"], []),
    "other-officer": ([], []),  # records officer of fonds J002
    "member": ([], []),
}


def close_pooled_stores() -> None:
    """Close the idle SQLite connections of every ledger and audit trail this process opened
    and forget them (they open again on first use). A long-running process keeps one var
    directory; the tests make one per test, and their pooled connections would pile up until
    the test HTTP server's ``select()`` meets a descriptor above 1024 and its thread dies."""
    from sd.archive import audit
    from sd.archive.ledger import current

    for ledger in list(current._ledgers.values()):
        ledger.log.close_pool()
    current._ledgers.clear()
    for store in list(audit._stores.values()):
        store.close_pool()
    audit._stores.clear()
