"""The organisation tree (组织机构树) and what the archives system should hold for it.

Pure functions over the province platform's directory (统一组织机构和用户目录):

* :func:`parse_departments` / :func:`parse_members` read the platform's answers (the WeCom
  government edition's shapes, see ``docs/identity-directory.md``) and refuse a malformed one
  as a whole (:class:`MalformedAnswer`: nothing is applied from it);
* :func:`desired` turns the tree, the agency bindings (机关 = a department subtree bound to a
  fonds) and the role mapping into the groups, accounts, memberships and grants the site
  should hold;
* :func:`diff` compares that with what the site holds and returns a :class:`Plan`: the
  changes, in the order they are made, which is also what a dry run (试运行) shows.

Local roles on a fonds go to groups, never to accounts (本地角色只授予组): an agency's records
officers are the members of ``dir-agency-<department>-RecordsOfficer``, which holds
RecordsOfficer on the fonds; a member who moves changes groups, and no object's security
index changes.
"""

from sd.archive.core.identity.directory.answers import ACTIVE  # noqa: F401
from sd.archive.core.identity.directory.answers import PREFIX  # noqa: F401
from sd.archive.core.identity.directory.answers import Account  # noqa: F401
from sd.archive.core.identity.directory.answers import Department  # noqa: F401
from sd.archive.core.identity.directory.answers import DirectoryUnreachable  # noqa: F401
from sd.archive.core.identity.directory.answers import Group  # noqa: F401
from sd.archive.core.identity.directory.answers import MalformedAnswer  # noqa: F401
from sd.archive.core.identity.directory.answers import Member  # noqa: F401
from sd.archive.core.identity.directory.answers import agency_group  # noqa: F401
from sd.archive.core.identity.directory.answers import department_group  # noqa: F401
from sd.archive.core.identity.directory.answers import parse_departments  # noqa: F401
from sd.archive.core.identity.directory.answers import parse_member  # noqa: F401
from sd.archive.core.identity.directory.answers import parse_members  # noqa: F401
from sd.archive.core.identity.directory.answers import parse_user  # noqa: F401
from sd.archive.core.identity.directory.answers import role_group  # noqa: F401
from sd.archive.core.identity.directory.envelope import decrypt_message  # noqa: F401
from sd.archive.core.identity.directory.envelope import encrypt_message  # noqa: F401
from sd.archive.core.identity.directory.envelope import encrypted_field  # noqa: F401
from sd.archive.core.identity.directory.envelope import event_fields  # noqa: F401
from sd.archive.core.identity.directory.events import CALLBACK_WINDOW  # noqa: F401
from sd.archive.core.identity.directory.events import DEPARTMENT_EVENTS  # noqa: F401
from sd.archive.core.identity.directory.events import USER_EVENTS  # noqa: F401
from sd.archive.core.identity.directory.events import callback_signature  # noqa: F401
from sd.archive.core.identity.directory.events import check_callback  # noqa: F401
from sd.archive.core.identity.directory.events import full_sync_due  # noqa: F401
from sd.archive.core.identity.directory.events import parse_events  # noqa: F401
from sd.archive.core.identity.directory.plan import KINDS  # noqa: F401
from sd.archive.core.identity.directory.plan import Change  # noqa: F401
from sd.archive.core.identity.directory.plan import Plan  # noqa: F401
from sd.archive.core.identity.directory.plan import diff  # noqa: F401
from sd.archive.core.identity.directory.tree import Desired  # noqa: F401
from sd.archive.core.identity.directory.tree import Tree  # noqa: F401
from sd.archive.core.identity.directory.tree import desired  # noqa: F401
from sd.archive.core.identity.directory.tree import member_groups  # noqa: F401
