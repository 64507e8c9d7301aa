"""Profile version 1003 (升级到 1003): what sites made at 1002 need of the fourth release.

- ``rolemap``: the agency's leader (机关领导, ``AgencyLeader``), granted as a local role on a
  fonds by the security administrator (it shows on the sharing page), approves the destruction
  register of that fonds' records room; the archives' leader (``Leader``) approves the holdings'
  batches (#25).
- Nothing else of the profile changed. Records stored before keep their package as received
  whole (the splice table applies to packages received from now on: both are read the same
  way, no migration); open-review batches gain the ``releasing`` mark only when approved from
  now on; the disc register (``carriers.json``) reads its older entries as they are.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("sd.archive.upgrades")

PROFILE = "profile-sd.archive:default"


def upgrade(setup_tool):
    setup_tool.runImportStepFromProfile(PROFILE, "rolemap", run_dependencies=False)
    logger.info("1003: role map imported (AgencyLeader approves its fonds' destruction)")
