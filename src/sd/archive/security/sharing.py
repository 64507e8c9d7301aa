"""The business roles on Plone's sharing page (共享页面的业务角色): 档案员, 机关领导, 报送账号.

plone.app.workflow lists on ``@@sharing`` the roles registered as ``ISharingPageRole``
utilities, each with a translatable title (here in the sd.archive domain, zh_CN first). The
security administrator (安全保密管理员) manages business roles, so delegating them needs
``sd.archive: Manage security``; the separation guard still judges every change. The global
roles (档案馆、监督、三员) are given in the users control panel, whose role headings come from
the ``plone`` domain (locales/zh_CN/LC_MESSAGES/plone.po).
"""

from plone.app.workflow.interfaces import ISharingPageRole
from zope.interface import implementer

from sd.archive import _

MANAGE_SECURITY = "sd.archive: Manage security"


@implementer(ISharingPageRole)
class RecordsOfficerRole:
    title = _("Records officer")  # 档案员
    required_permission = MANAGE_SECURITY
    required_interface = None


@implementer(ISharingPageRole)
class AgencyLeaderRole:
    title = _("Agency leader")  # 机关领导: approves its records room's appraisal batches (#25)
    required_permission = MANAGE_SECURITY
    required_interface = None


@implementer(ISharingPageRole)
class SubmitterRole:
    title = _("Submitting service account")  # 报送服务账号
    required_permission = MANAGE_SECURITY
    required_interface = None
