"""案卷整理 (volume arrangement, DA/T 13-2022 按卷): make volumes, put records in, take them out.

The recorded actions of a volume-arranged category (the category's code rule is level 按卷):

- :func:`create_volume` (新建案卷): the volume's description from the records officer, its
  案卷号 the next free number of the fonds + 类别号 series (``numbering.allocate_volume_number``)
  and its 案卷档号 ``全宗号-类别号-案卷号`` under the fonds' rule;
- :func:`place_in_volume` (组卷): archived records of the same 门类, 年度, 保管期限 (and
  机构或问题 when the rule uses it), neither held nor destroyed nor in another volume, move into
  the volume and get their 卷内件号 (1..N, by date or as given) and the volume form of their
  档号 through ``numbering.place_code``: a reason, the code log, a ledger entry and the audit
  trail for each, exactly like a code correction;
- :func:`remove_from_volume` (调出案卷): back into the fonds with the 按件 form of the rule and
  the next free 件号 of their series; the records left in the volume are renumbered 1..N.

The volume's computed description (件数, 页数, 起止日期) is brought up to date by every
placement and removal. Everything happens in the caller's transaction; a refusal raises an
:class:`~sd.archive.core.errors.ArchiveError` before anything changes (the caller dooms the
transaction), listing every record and rule that failed. The pure rules are in
``sd.archive.core.dossiers``; codes are rendered only by ``sd.archive.core.codes``.
"""

from sd.archive.dossiers.description import DESCRIPTION_FIELDS  # noqa: F401
from sd.archive.dossiers.description import VolumeRefused  # noqa: F401
from sd.archive.dossiers.description import check_description_write  # noqa: F401
from sd.archive.dossiers.description import check_volume_code  # noqa: F401
from sd.archive.dossiers.description import core  # noqa: F401
from sd.archive.dossiers.description import create_volume  # noqa: F401
from sd.archive.dossiers.description import volume_parts  # noqa: F401
from sd.archive.dossiers.description import volume_rule  # noqa: F401
from sd.archive.dossiers.events import volume_modified  # noqa: F401
from sd.archive.dossiers.events import volume_removing  # noqa: F401
from sd.archive.dossiers.members import fonds_volumes  # noqa: F401
from sd.archive.dossiers.members import outcome  # noqa: F401
from sd.archive.dossiers.members import serialize_records  # noqa: F401
from sd.archive.dossiers.members import update_summary  # noqa: F401
from sd.archive.dossiers.members import volume_records  # noqa: F401
from sd.archive.dossiers.placement import PLACE  # noqa: F401
from sd.archive.dossiers.placement import REMOVE  # noqa: F401
from sd.archive.dossiers.placement import RENUMBER  # noqa: F401
from sd.archive.dossiers.placement import place_in_volume  # noqa: F401
from sd.archive.dossiers.placement import plan_placement  # noqa: F401
from sd.archive.dossiers.placement import plan_removal  # noqa: F401
from sd.archive.dossiers.placement import remove_from_volume  # noqa: F401
from sd.archive.dossiers.placement import resolve  # noqa: F401
