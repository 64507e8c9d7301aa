"""接收 (intake): the Plone side of the pre-archive and archive interfaces.

The flow is intake → detection → repository → ledger: a submitted package is spooled to a
temporary file (:mod:`.spool`), read by ``sd.archive.core.packages.reader.read_package``,
checked by ``sd.archive.core.detection.engine.run_detection`` with holdings look-ups backed by
the catalog (:mod:`.context`), arranged by ``sd.archive.core.arrangement.arrange`` (pre-archive
packages), stored through ``sd.archive.repository``, numbered through ``sd.archive.numbering``
and logged through ``sd.archive.ledger.log_event`` (:mod:`.flow`). Rejected packages leave
only a rejection record (:mod:`.rejections`); records no rule decides wait in the review queue
(:mod:`.review`).
"""
