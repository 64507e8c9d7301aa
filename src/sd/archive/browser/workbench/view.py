"""The workbench (工作台): what waits for this person, recent activity, every function.

One page, the site's front page. Sections follow the roles the user holds (a Manager sees
all); the navigation lists every page the user's permissions reach. Anonymous visitors get
the public page (简介 and 登录).
"""

from __future__ import annotations

from plone import api
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.browser.details import OUTCOMES
from sd.archive.browser.details import action_label
from sd.archive.browser.workbench import queues

USE_OF_RECORDS = _("Use of records")  # 档案利用
#: the navigation (功能导航): (group, label, view on the site, permission)
_SUPERVISE = "sd.archive: Supervise archiving"  # 监督指导 (#26 整改通知、统计)
NAVIGATION = (
    # 档案检索 (#30): every role searches what it may see
    (_("Search"), _("Archive search"), "@@archive-search", "View"),
    (
        _("Records room"),
        _("Review queue (all fonds)"),
        "@@review-queue",
        "sd.archive: Archive records",
    ),
    (
        _("Transfer and receipt"),
        _("Holdings and incoming transfers"),
        "@@transfer-holdings",
        "sd.archive: Receive records",
    ),
    (
        _("Preservation"),
        _("Preservation and alarms"),
        "@@preservation",
        "sd.archive: View preservation alarms",
    ),
    (USE_OF_RECORDS, _("Ask for records"), "@@request-access", "sd.archive: Request access"),
    (
        USE_OF_RECORDS,
        _("My access requests"),
        "@@my-access-requests",
        "sd.archive: Request access",
    ),
    (
        USE_OF_RECORDS,
        _("Approval queue"),
        "@@access-queue",
        "sd.archive: Decide access requests",
    ),
    (USE_OF_RECORDS, _("Register of use"), "@@use-register", "sd.archive: View use register"),
    # 整改通知、档案统计、统计年报 (#26)
    (_("Supervision"), _("Rectification notices"), "@@rectification-notices", _SUPERVISE),
    (_("Supervision"), _("Statistics"), "@@statistics", _SUPERVISE),
    (_("Supervision"), _("Annual statistics report"), "@@statistics-report", _SUPERVISE),
    (_("Transfer and receipt"), _("Statistics"), "@@statistics", "sd.archive: Receive records"),
    (_("Supervision"), _("Supervision dashboard"), "@@supervision", _SUPERVISE),
    (_("Evidence ledger"), _("Evidence ledger"), "@@ledger", "View"),
    (_("Evidence ledger"), _("Ledger nodes"), "@@ledger-nodes", "sd.archive: Manage configuration"),
    (
        _("Settings"),
        _("Archive settings"),
        "@@sd-archive-settings",
        "sd.archive: Manage configuration",
    ),
    (
        _("Settings"),
        _("Arrangement settings"),
        "@@sd-archive-arrangement",
        "sd.archive: Manage configuration",
    ),
    (
        _("Settings"),
        _("Storage locations"),
        "@@sd-archive-storage",
        "sd.archive: Manage configuration",
    ),
    (_("Settings"), _("Seals"), "@@sd-archive-seals", "sd.archive: Manage configuration"),
    (_("Settings"), _("Site setup"), "@@overview-controlpanel", "Plone Site Setup: Overview"),
    (_("Accounts"), _("Users"), "@@usergroup-userprefs", "Plone Site Setup: Users and Groups"),
    (_("Accounts"), _("Groups"), "@@usergroup-groupprefs", "Plone Site Setup: Users and Groups"),
    (
        _("Security audit"),
        _("Audit trail and chain check"),
        "@@audit-trail",
        "sd.archive: View audit log",
    ),
)

SUPERVISE = "sd.archive: Supervise archiving"
#: the three administrators (三员) take no part in the use of records
ADMINISTRATORS = {"SystemAdministrator", "SecurityAdministrator", "SecurityAuditor"}


class WorkbenchView(BrowserView):
    """``@@workbench`` on the site root, its default view."""

    def __call__(self):
        self.portal = api.portal.get()
        self.portal_url = self.portal.absolute_url()
        self.anonymous = api.user.is_anonymous()
        if not self.anonymous:
            self.user = api.user.get_current()
            self.roles = set(self.user.getRolesInContext(self.portal))
            self.manager = "Manager" in self.roles
            self.my_fonds = queues.all_fonds() if self.manager else queues.officer_fonds(self.user)
        return self.index()

    def has(self, role: str) -> bool:
        return self.manager or role in self.roles

    # -- sections ------------------------------------------------------------------------

    def officer(self) -> list[dict]:
        """Per fonds where the user is records officer (档案员): its queues."""
        sections = []
        for brain in self.my_fonds:
            url = brain.getURL()
            path = brain.getPath()
            code = getattr(brain, "fonds_code", "") or brain.getId
            n_rejected, rejected = queues.rejections({code})
            n_batches, sent = queues.batches(path=path, limit=5)
            sections.append(
                {
                    "title": brain.Title,
                    "code": code,
                    "url": url,
                    "queues": [
                        {
                            "id": "review",
                            "label": _("Review queue"),
                            "count": queues.review_backlog(brain),
                            "url": f"{url}/@@review-queue",
                        },
                        {
                            "id": "rejections",
                            "label": _("Rejected submissions"),
                            "count": n_rejected,
                            "url": f"{url}/@@rejections",
                        },
                        {
                            "id": "due",
                            "label": _("Records due for transfer"),
                            "count": queues.due_for_transfer(brain),
                            "url": f"{url}/@@transfer-out",
                        },
                        {
                            "id": "appraisal-due",
                            "label": _("Records due for appraisal"),
                            "count": queues.due_for_appraisal(brain),
                            "url": f"{url}/@@retention-due",
                        },
                        {
                            "id": "sent",
                            "label": _("Transfers sent"),
                            "count": n_batches,
                            "url": "",
                        },
                    ],
                    "rejected": rejected,
                    "batches": sent,
                    "batch_states": queues.batch_states(path),
                }
            )
        return sections

    def mining(self, section: dict) -> dict:
        """The fonds' suggestion model (整理建议, #28): version or why there is none, and the
        acceptance page; small (no suggestion is computed here)."""
        from sd.archive.browser.mining.views import workbench_mining

        return workbench_mining(section["code"], section["url"])

    def supervision_figures(self, section: dict) -> dict | None:
        """The fonds' own supervision figures (本单位监督指标, #26), small: latest year."""
        from sd.archive.browser.supervision.view import officer_block

        return officer_block(section["code"], section["url"])

    def archivist(self) -> dict:
        n_waiting, waiting = queues.batches(review_state="awaiting_acceptance")
        n_checking, _rows = queues.batches(review_state="checking", limit=0)
        return {
            "queues": [
                {
                    "id": "to-accept",
                    "label": _("Transfer batches to accept"),
                    "count": n_waiting,
                    "url": f"{self.portal_url}/@@transfer-holdings",
                },
                {
                    "id": "checking",
                    "label": _("Transfer batches being checked"),
                    "count": n_checking,
                    "url": f"{self.portal_url}/@@transfer-holdings",
                },
                self.alarms_item(),
            ],
            "batches": waiting,
        }

    def alarms_item(self) -> dict:
        return {
            "id": "alarms",
            "label": _("Open preservation alarms"),
            "count": queues.alarm_count(),
            "url": f"{self.portal_url}/@@preservation",
        }

    def supervisor(self) -> dict:
        n_rejected, rejected = queues.rejections(None, limit=10)
        backlog = [
            {
                "title": b.Title,
                "code": getattr(b, "fonds_code", "") or b.getId,
                "url": b.getURL(),
                "review": queues.review_backlog(b),
                "due": queues.due_for_transfer(b),
            }
            for b in queues.all_fonds()
        ]
        return {
            "queues": [
                {
                    "id": "rejections-all",
                    "label": _("Rejected submissions (all fonds)"),
                    "count": n_rejected,
                    "url": f"{self.portal_url}/@@rejections",
                },
                {
                    "id": "review-all",
                    "label": _("Review backlog (all fonds)"),
                    "count": sum(f["review"] for f in backlog),
                    "url": "",
                },
            ],
            "rejected": rejected,
            "backlog": backlog,
        }

    def access(self) -> dict:
        """档案利用: requests waiting for this approver, and the user's own requests."""
        items = []
        if self.roles & {"Manager", "Archivist", "Leader"}:
            items.append(
                {
                    "id": "access-waiting",
                    "label": _("Requests waiting for my approval"),
                    "count": queues.access_waiting(self.roles),
                    "url": f"{self.portal_url}/@@access-queue",
                }
            )
        if not self.roles & ADMINISTRATORS:
            items.append(
                {
                    "id": "access-mine",
                    "label": _("My requests in use"),
                    "count": queues.my_access_requests(self.user.getId()),
                    "url": f"{self.portal_url}/@@my-access-requests",
                }
            )
        return {"queues": items}

    def mining_findings(self) -> dict | None:
        """重复/关联档案 (#28): undecided pairs this person may answer (records officers of a
        fonds, archivists); nothing for other roles."""
        if not (self.my_fonds or self.has("Archivist")):
            return None
        from sd.archive.mining.findings.outline import open_pairs

        base = f"{self.portal_url}/@@mining-pairs"
        return {
            "queues": [
                {
                    "id": "mining-duplicates",
                    "label": _("Duplicates"),
                    "count": open_pairs("dup", limit=0)[0],
                    "url": f"{base}?kind=dup",
                },
                {
                    "id": "mining-related",
                    "label": _("Related records"),
                    "count": open_pairs("rel", limit=0)[0],
                    "url": f"{base}?kind=rel",
                },
            ]
        }

    def rectification(self) -> dict | None:
        """整改通知 (#26): notices to review or to answer, and the overdue ones."""
        from sd.archive.rectification.workbench import for_user

        return for_user(self)

    def appraisal(self) -> dict | None:
        """鉴定与销毁 (#25): batches waiting for opinions, approval or execution, and carriers
        pending physical destruction."""
        from sd.archive.appraisal.workbench import block

        return block(self)

    def openreview(self) -> dict | None:
        """开放审核 (#25): records whose closure has ended, batches to decide or approve."""
        from sd.archive.openreview.workbench import block

        return block(self)

    def sysadmin(self) -> dict:
        return {"queues": [self.alarms_item()]}

    def directory_sync(self) -> dict | None:
        """组织机构同步 (#27): the last run of the organisation-tree sync, for the security
        administrator."""
        from sd.archive.identity.directory.workbench import block

        return block(self)

    # -- recent activity and navigation ----------------------------------------------------

    def recent(self, size: int = 10) -> list[dict]:
        """The user's own latest actions in the audit trail (我的最近操作)."""
        from sd.archive import audit
        from sd.archive.audit.reading import local_time
        from sd.archive.audit.store import Query

        store = audit.trail(self.portal)
        if store is None:
            return []
        _total, entries = store.search(Query(actor=self.user.getId()), 0, size)
        return [
            {
                "time": local_time(e.time),
                "action": e.action,
                "action_title": action_label(self.request, e.action),
                "object": e.code or e.path,
                "outcome": OUTCOMES.get(e.outcome, e.outcome),
            }
            for e in entries
        ]

    def navigation(self) -> list[dict]:
        """Every function the user's permissions reach, grouped (功能导航)."""
        return navigation(self.portal, self.my_fonds)


def navigation(portal=None, my_fonds=None) -> list[dict]:
    """Every function the current user's permissions reach, grouped (功能导航).

    Shared by the workbench and the site-wide role navigation (``viewlets.RoleSections``).
    ``my_fonds``: the fonds shown under 我的全宗 (all of them for a Manager); looked up when
    not given.
    """
    portal = portal if portal is not None else api.portal.get()
    portal_url = portal.absolute_url()
    if my_fonds is None:
        user = api.user.get_current()
        manager = "Manager" in user.getRolesInContext(portal)
        my_fonds = queues.all_fonds() if manager else queues.officer_fonds(user)
    groups: dict = {}
    if my_fonds:
        key = _("My fonds")
        for b in my_fonds:
            url = b.getURL()
            groups.setdefault(key, []).extend(
                [
                    {"label": b.Title, "url": url},
                    {"label": _("Review queue"), "url": f"{url}/@@review-queue"},
                    {"label": _("Transfer out"), "url": f"{url}/@@transfer-out"},
                    {"label": _("Volumes"), "url": f"{url}/@@volumes"},
                ]
            )
    if api.user.has_permission(SUPERVISE, obj=portal):
        groups[_("All fonds")] = [
            {"label": f"{b.fonds_code or b.getId} {b.Title}", "url": b.getURL()}
            for b in queues.all_fonds()
        ]
    administrator = bool(ADMINISTRATORS & set(api.user.get_roles(obj=portal)))
    for group, label, view, permission in NAVIGATION:
        if administrator and group == USE_OF_RECORDS:
            continue  # the three administrators take no part in the use of records
        if api.user.has_permission(permission, obj=portal):
            groups.setdefault(group, []).append({"label": label, "url": f"{portal_url}/{view}"})
    return [{"title": k, "links": v} for k, v in groups.items()]
