"""利用申请 (AccessRequest) and the site's folder of them (AccessRequestFolder).

Who writes what (字段归属):

- the requester (申请人, the Owner) writes ``purpose``, ``purpose_text``, ``records``,
  ``scope_text``, ``form``, ``start`` and ``end`` while the request is a draft (草稿) — the
  workflow gives Modify portal content to the Owner in that state only;
- ``requester``, ``request_number``, ``approvers`` and ``decisions`` are server-maintained
  (``readonly``): set when the request is made and by the decision action
  (``sd.archive.access.requests.decide``), never by a form or PATCH (the REST deserializer
  refuses a body that names them, ``services/access_requests/deserializer.py``);
- ``effect`` (利用效果) is written by the requester through the effect action only, after use.

The register of use (利用登记) of the request is kept on it (``register``, a list of dicts
appended by the access actions); the workflow state is the request's state.
"""

from __future__ import annotations

from persistent.list import PersistentList
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.interfaces import IAccessRequest
from sd.archive.interfaces import IAccessRequestFolder

#: fields the requester writes while the request is a draft
REQUESTER_FIELDS = ("purpose", "purpose_text", "records", "scope_text", "form", "start", "end")


class IAccessRequestSchema(model.Schema):
    """Fields of an access request (利用申请)."""

    request_number = schema.ASCIILine(
        title=_("Request number"), required=False, readonly=True
    )  # 申请编号 LY-2026-000123
    requester = schema.ASCIILine(title=_("Requester"), required=False, readonly=True)  # 申请人
    purpose = schema.Choice(
        title=_("Purpose of use"),  # 查档目的
        vocabulary="sd.archive.AccessPurposes",
        default="work",
    )
    purpose_text = schema.Text(title=_("Purpose in words"), required=False)  # 目的说明
    records = schema.List(
        title=_("Records (UID)"),  # 利用范围：档案
        value_type=schema.ASCIILine(),
        required=False,
        default=[],
    )
    scope_text = schema.Text(
        title=_("Scope in words"),  # 利用范围说明（由档案馆确定具体档案）
        required=False,
    )
    form = schema.Choice(
        title=_("Form of use"),  # 利用方式
        vocabulary="sd.archive.AccessForms",
        default="online",
    )
    start = schema.Date(title=_("From"), required=False)  # 利用期限起
    end = schema.Date(title=_("Until"), required=False)  # 利用期限止
    approvers = schema.List(
        title=_("Approval chain"),  # 审批链
        value_type=schema.ASCIILine(),
        required=False,
        readonly=True,
    )
    decisions = schema.List(
        title=_("Decisions"),  # 审批意见
        value_type=schema.Dict(key_type=schema.ASCIILine(), value_type=schema.TextLine()),
        required=False,
        readonly=True,
    )
    effect = schema.Text(title=_("Effect of use"), required=False, readonly=True)  # 利用效果


@implementer(IAccessRequest)
class AccessRequest(Item):
    """利用申请: an item; its decisions and register entries are lists on it."""

    request_number = ""
    requester = ""
    approvers = ()
    decisions = ()
    effect = ""

    def append_register(self, entry: dict) -> None:
        """Add an entry to the request's register of use (利用登记), oldest first."""
        if not isinstance(getattr(self, "register", None), PersistentList):
            self.register = PersistentList(getattr(self, "register", None) or [])
        self.register.append(dict(entry))

    def in_recorded_action(self) -> bool:
        """Guard of every transition but ``expire``: it is taken inside one of the recorded
        actions of ``sd.archive.access.requests`` (which write the decision, the reason and
        the register entry), never from the toolbar or ``content_status_modify``."""
        return bool(getattr(self, "_v_recorded_action", False))

    def period_over(self) -> bool:
        """Guard of ``expire``: the last day of the period has passed (Beijing days), whoever
        asks: an expiry only states what the calendar says."""
        from sd.archive.access.lookup import today
        from sd.archive.core.access.period import expired

        return expired(self.end, today())

    def needs_leader_approval(self) -> bool:
        """Guard of the workflow's ``forward``/``approve``: does the chain have a second step?"""
        return len(tuple(self.approvers or ())) > 1


class IAccessRequestFolderSchema(model.Schema):
    """The folder has a title only (plone.basic)."""


@implementer(IAccessRequestFolder)
class AccessRequestFolder(Container):
    """利用申请: the site's folder of requests (``/access-requests``), made on first use.

    Unordered (无序容器), like a fonds: requests are found by catalog, never by position."""

    _ordering = "unordered"
