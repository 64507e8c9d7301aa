"""One small function per detection item (检测函数), registered by name in :mod:`..registry`.

Each check is ``f(subject, item, context) -> list[Finding]``; an empty list means passed.
"""

from sd.archive.core.detection.checks import codes  # noqa: F401
from sd.archive.core.detection.checks import digests  # noqa: F401
from sd.archive.core.detection.checks import formats  # noqa: F401
from sd.archive.core.detection.checks import metadata  # noqa: F401
from sd.archive.core.detection.checks import preservation  # noqa: F401
from sd.archive.core.detection.checks import security  # noqa: F401
from sd.archive.core.detection.checks import structure  # noqa: F401
