"""The rules of the three separated administrators (三员分立, GB/T 39784).

One place for the rules; ``guard`` applies them to every change of a global role, a group
membership or a local role, whatever path the change takes (REST, Classic UI forms, ZMI,
``plone.api``). A change is described by who makes it (the actor), the principals it affects
(a group's change affects its members) with the roles each holds before it, and the roles it
adds or removes. ``judge`` returns the first rule the change breaks, or ``None``;
``judge_account`` does the same for a password, e-mail or deletion of an account.

Rules, in the order they are checked:

``superuser_roles_reserved``
    Only a Manager (安装、应急) gives or takes Manager or Site Administrator, directly,
    through a group or as a local role.
``no_self_grant``
    Nobody but a Manager gives a role to itself, nor to a group it belongs to, nor joins
    a group: the security administrator (安全保密管理员) manages the others' accounts.
``administrator_roles_reserved``
    Only a Manager appoints or dismisses the three administrators: gives or takes one of
    their roles, directly or through a group (the security administrator manages business
    roles).
``three_admins_exclusive``
    No account holds two of the three administrator roles (系统管理员、安全保密管理员、
    安全审计员), whether directly, through groups or as local roles.
``administrator_holds_no_other_role``
    An account that holds one of the three administrator roles holds no other role
    (no Manager, no business role such as 档案员 RecordsOfficer or Reader); ``Member``,
    ``Authenticated`` and ``Owner`` do not count.
``administrator_role_global_only``
    The three administrator roles are posts of the whole system: they are given globally
    (directly or through a group), never as a local role on a fonds or record.
``administrator_account_reserved``
    Only a Manager, or the account itself for its own password and e-mail, changes the
    password or e-mail of an administrator's or a superuser's account, or deletes it: the
    security administrator cannot take over or remove the auditor (安全审计员) or the system
    administrator. A password reset by the e-mailed link (anonymous) stays possible.
"""

from zExceptions import Forbidden

SYSTEM_ADMINISTRATOR = "SystemAdministrator"  # 系统管理员
SECURITY_ADMINISTRATOR = "SecurityAdministrator"  # 安全保密管理员
SECURITY_AUDITOR = "SecurityAuditor"  # 安全审计员
ADMINISTRATOR_ROLES = frozenset({SYSTEM_ADMINISTRATOR, SECURITY_ADMINISTRATOR, SECURITY_AUDITOR})
SUPERUSER_ROLES = frozenset({"Manager", "Site Administrator"})
# roles every account has or gets from the system (creation sets Owner): they are not "another role"
NEUTRAL_ROLES = frozenset({"Member", "Authenticated", "Anonymous", "Owner"})
# ... but nobody makes itself Owner of an existing object (the creator's Owner passes in ``guard``)
SELF_NEUTRAL_ROLES = NEUTRAL_ROLES - {"Owner"}

RULES = {
    "superuser_roles_reserved": (
        "只有超级管理员（Manager）可以授予 Manager 或 Site Administrator 角色。",
        "Only a Manager may give the Manager or Site Administrator role.",
    ),
    "administrator_roles_reserved": (
        "只有超级管理员（Manager）可以任命或撤销三员（授予或收回三员角色）。",
        "Only a Manager appoints or dismisses the three administrators "
        "(gives or takes their roles).",
    ),
    "administrator_account_reserved": (
        "三员和超级管理员账号的密码、邮箱只能由本人或 Manager 修改，账号只能由 Manager 删除。",
        "Only the account itself or a Manager changes the password or e-mail of an administrator's "
        "or superuser's account; only a Manager deletes it.",
    ),
    "no_self_grant": (
        "不能给自己（或自己所在的组）授予角色，也不能把自己加入组。",
        "Nobody may give a role to itself (or to a group it belongs to) or add itself to a group.",
    ),
    "three_admins_exclusive": (
        "三员分立：同一账号不能同时担任系统管理员、安全保密管理员、安全审计员中的两个。",
        "Separation of the three administrators: no account may hold two of "
        "SystemAdministrator, SecurityAdministrator and SecurityAuditor.",
    ),
    "administrator_holds_no_other_role": (
        "三员账号只能持有其管理员角色，不能再持有业务角色或 Manager。",
        "An administrator account holds its administrator role only: no business role, no Manager.",
    ),
    "administrator_role_global_only": (
        "三员角色只能作为全局角色授予，不能作为本地角色授予。",
        "The three administrator roles are given globally, never as local roles.",
    ),
}


class RoleSeparationRefused(Forbidden):
    """A change refused by a rule of the three separated administrators (三员分立).

    Rendered as ``403`` with ``{"type": "RoleSeparationRefused", "rule": ..., "message": ...,
    "message_zh": ..., "message_en": ..., "principal": ...}`` by ``security.refusal``.
    """

    def __init__(self, rule, principal):
        self.rule = rule
        self.principal = principal
        self.message_zh, self.message_en = RULES[rule]
        super().__init__(f"{self.message_zh} {self.message_en} [{rule}: {principal}]")

    def as_json(self):
        return {
            "type": "RoleSeparationRefused",
            "rule": self.rule,
            "principal": self.principal,
            "message": f"{self.message_zh} {self.message_en}",
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def judge(actor_id, trusted, affected, gained, local=False, joins=False, removed=frozenset()):
    """The rule a change breaks, as ``(rule, principal)``, or ``None``.

    ``affected`` maps each principal the change reaches to the roles it holds before the
    change; ``gained`` are the roles the change gives them and ``removed`` the roles it takes;
    ``trusted`` is true for a Manager (and for code that runs outside a published request:
    scripts, set-up); ``local`` for a local role; ``joins`` for a group membership (joining
    counts as a grant of itself).
    """
    for principal, held in affected.items():
        new, lost = gained - held, removed & held
        if not trusted and (new | lost) & SUPERUSER_ROLES:
            return "superuser_roles_reserved", principal
        if not trusted and principal == actor_id and (joins or new - SELF_NEUTRAL_ROLES):
            return "no_self_grant", principal
        if not trusted and (new | lost) & ADMINISTRATOR_ROLES:
            return "administrator_roles_reserved", principal
        if not gained:
            continue  # taking a role away breaks no rule on what an account holds
        after = held | gained
        if len(after & ADMINISTRATOR_ROLES) > 1:
            return "three_admins_exclusive", principal
        if after & ADMINISTRATOR_ROLES and after - ADMINISTRATOR_ROLES - NEUTRAL_ROLES:
            return "administrator_holds_no_other_role", principal
    if local and gained & ADMINISTRATOR_ROLES:
        return "administrator_role_global_only", next(iter(affected), "")
    return None


def judge_account(actor_id, trusted, principal_id, held, deletes=False):
    """The rule a change of ``principal_id``'s password or e-mail (or, with ``deletes``, its
    deletion) breaks, or ``None``. ``held``: the account's roles; an anonymous actor (no id)
    is the password reset by e-mailed link."""
    if trusted or actor_id is None or (principal_id == actor_id and not deletes):
        return None
    if held & (ADMINISTRATOR_ROLES | SUPERUSER_ROLES):
        return "administrator_account_reserved", principal_id
    return None
