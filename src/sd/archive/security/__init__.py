"""Security administration (安全保密管理): the three separated administrators (三员分立).

``separation`` holds the rules, ``guard`` applies them to the PAS and local-role mutators
(applied here, once, when sd.archive's ZCML loads this package), ``refusal`` renders a refused
change, ``accounts`` and ``guard`` fire ``events.SecurityChangedEvent`` for the audit trail.
See docs/roles.md.
"""

from sd.archive.security import guard

guard.apply()
