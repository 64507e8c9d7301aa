"""Local roles that reach the catalog at once (本地角色即时生效).

A role given on a fonds or dossier (an agency's records officer, a synchronised department
group) changes who may see every record below it. AccessControl's ``manage_*LocalRoles``
only store the grant; the sharing page reindexes afterwards, but ``plone.api`` (demo data) and
directory synchronisation do not, so listings and search kept hiding records their owners
could open. Here every grant and revocation reindexes the security of what lies below.
"""

from __future__ import annotations

from plone.dexterity.content import FTIAwareSpecification


class LocalRolesReindexing:
    """Mixin for containers of records: reindex object security after local-role changes."""

    # a plain class listed before Dexterity's gets zope.interface's own ``__providedBy__``,
    # which hid Dexterity's: the FTI schema (fields of the fonds or volume) was not provided
    # and plone.restapi could not adapt to it (GET/PATCH answered 500)
    __providedBy__ = FTIAwareSpecification()

    def manage_addLocalRoles(self, userid, roles):
        super().manage_addLocalRoles(userid, roles)
        self.reindexObjectSecurity()

    def manage_setLocalRoles(self, userid, roles):
        super().manage_setLocalRoles(userid, roles)
        self.reindexObjectSecurity()

    def manage_delLocalRoles(self, userids):
        super().manage_delLocalRoles(userids)
        self.reindexObjectSecurity()
