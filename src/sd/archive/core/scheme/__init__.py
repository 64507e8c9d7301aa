"""Classification scheme, archiving scope and retention schedule (分类方案、归档范围和保管期限表).

Dataclasses in :mod:`.model`; CSV (spreadsheet) and XML import/export in :mod:`.csv_io` and
:mod:`.xml_io`; the shipped defaults in :mod:`.defaults`.
"""

from sd.archive.core.scheme.csv_io import read_schedule_csv
from sd.archive.core.scheme.csv_io import read_scheme_csv
from sd.archive.core.scheme.csv_io import write_schedule_csv
from sd.archive.core.scheme.csv_io import write_scheme_csv
from sd.archive.core.scheme.defaults import DEFAULT_FONDS
from sd.archive.core.scheme.defaults import default_schedule
from sd.archive.core.scheme.defaults import default_scheme
from sd.archive.core.scheme.model import GONGWEN
from sd.archive.core.scheme.model import RECORD_KINDS
from sd.archive.core.scheme.model import ZHENGWU
from sd.archive.core.scheme.model import Category
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import Organisation
from sd.archive.core.scheme.model import RetentionSchedule
from sd.archive.core.scheme.model import ScheduleRule
from sd.archive.core.scheme.model import SchemeError
from sd.archive.core.scheme.model import schedule_problems
from sd.archive.core.scheme.model import scheme_problems
from sd.archive.core.scheme.xml_io import read_schedule_xml
from sd.archive.core.scheme.xml_io import read_scheme_xml
from sd.archive.core.scheme.xml_io import write_schedule_xml
from sd.archive.core.scheme.xml_io import write_scheme_xml

__all__ = [
    "DEFAULT_FONDS",
    "GONGWEN",
    "RECORD_KINDS",
    "ZHENGWU",
    "Category",
    "ClassificationScheme",
    "Organisation",
    "RetentionSchedule",
    "ScheduleRule",
    "SchemeError",
    "default_schedule",
    "default_scheme",
    "read_schedule_csv",
    "read_schedule_xml",
    "read_scheme_csv",
    "read_scheme_xml",
    "schedule_problems",
    "scheme_problems",
    "write_schedule_csv",
    "write_schedule_xml",
    "write_scheme_csv",
    "write_scheme_xml",
]
