"""整改通知 (RectificationNotice) and the site's folder of them (RectificationFolder).

Who writes what (字段归属):

- the supervisor (监督指导人员) writes the notice: ``title``, ``text``, ``figures``,
  ``records`` and ``deadline`` — at issue, and later only while the agency still owes an
  answer (``write_permission``: *Supervise archiving*, which the workflow keeps for the
  Supervisor; the REST deserializer refuses them to anyone else);
- the agency's records officer (档案员) writes the answer: ``answer`` and
  ``answer_records`` (``write_permission``: *Answer rectification notices*, which the workflow
  gives to the RecordsOfficer of the notice's fonds while it is issued or reopened), through the
  answer action only;
- the server keeps ``notice_number``, ``fonds_code``, ``agency_name``, ``issuer``,
  ``answered_by``, ``decision_comment`` and ``history`` (``readonly``).

The officers of the agency see and answer the notice through the local roles the fonds gives
them (:mod:`sd.archive.rectification.roles`), not through grants copied onto each notice.
"""

from __future__ import annotations

from datetime import datetime
from datetime import time

from persistent.list import PersistentList
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.rectification.interfaces import IRectificationFolder
from sd.archive.rectification.interfaces import IRectificationNotice

SUPERVISE = "sd.archive.Supervise"
ANSWER = "sd.archive.AnswerRectification"
#: fields each party writes (字段归属)
SUPERVISOR_FIELDS = ("title", "text", "figures", "records", "deadline")
OFFICER_FIELDS = ("answer", "answer_records")
SERVER_FIELDS = (
    "notice_number",
    "fonds_code",
    "agency_name",
    "issuer",
    "answered_by",
    "decision_comment",
    "history",
)


class IRectificationNoticeSchema(model.Schema):
    """Fields of a rectification notice (整改通知)."""

    notice_number = schema.ASCIILine(
        title=_("Notice number"), required=False, readonly=True
    )  # 通知编号 ZG-2026-0001
    fonds_code = schema.ASCIILine(title=_("Agency (fonds)"), required=False, readonly=True)
    agency_name = schema.TextLine(title=_("Agency name"), required=False, readonly=True)
    issuer = schema.ASCIILine(title=_("Issued by"), required=False, readonly=True)

    directives.write_permission(text=SUPERVISE, figures=SUPERVISE, records=SUPERVISE)
    directives.write_permission(deadline=SUPERVISE)
    text = schema.Text(title=_("Matters to rectify"))  # 整改事项
    figures = schema.List(
        title=_("Figures cited"),  # 引用的指标
        value_type=schema.Dict(key_type=schema.ASCIILine(), value_type=schema.TextLine()),
        required=False,
        default=[],
    )
    records = schema.List(
        title=_("Records cited (UID)"),  # 引用的档案
        value_type=schema.ASCIILine(),
        required=False,
        default=[],
    )
    deadline = schema.Date(title=_("Deadline"))  # 整改期限

    directives.write_permission(answer=ANSWER, answer_records=ANSWER)
    answer = schema.Text(title=_("Answer"), required=False)  # 整改情况答复
    answer_records = schema.List(
        title=_("Records archived in answer (UID)"),  # 补充归档的档案
        value_type=schema.ASCIILine(),
        required=False,
        default=[],
    )
    answered_by = schema.ASCIILine(title=_("Answered by"), required=False, readonly=True)
    decision_comment = schema.Text(
        title=_("Supervisor's comment"), required=False, readonly=True
    )  # 审核意见


@implementer(IRectificationNotice)
class RectificationNotice(Item):
    """整改通知: an item; its history (办理过程) is a list of steps on it."""

    notice_number = ""
    fonds_code = ""
    fonds_uid = ""
    agency_name = ""
    issuer = ""
    text = ""
    deadline = None
    answer = ""
    answered_by = ""
    decision_comment = ""
    figures = ()
    records = ()
    answer_records = ()

    def append_history(self, step: dict) -> None:
        """Add a step to the notice's history (办理过程), oldest first."""
        if not isinstance(getattr(self, "history", None), PersistentList):
            self.history = PersistentList(getattr(self, "history", None) or [])
        self.history.append(dict(step))

    def in_recorded_action(self) -> bool:
        """Guard of every transition: taken inside a recorded action of
        ``sd.archive.rectification.notices`` (which checks the rule, writes the history and
        the audit trail), never from the toolbar or ``content_status_modify``."""
        return bool(getattr(self, "_v_recorded_action", False))

    def end(self):
        """The deadline as the catalog's ``end`` date (00:00 Beijing time of that day): the
        workbenches find overdue notices with one range query."""
        from DateTime import DateTime

        from sd.archive.core.access.period import BEIJING

        if self.deadline is None:
            return None
        return DateTime(datetime.combine(self.deadline, time(0), tzinfo=BEIJING).isoformat())


class IRectificationFolderSchema(model.Schema):
    """The folder has a title only (plone.basic)."""


@implementer(IRectificationFolder)
class RectificationFolder(Container):
    """整改通知: the site's folder of notices (``/rectification-notices``), made on first use;
    unordered, notices are found by catalog."""

    _ordering = "unordered"
