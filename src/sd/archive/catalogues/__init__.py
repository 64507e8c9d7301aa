"""Records-room daily tools (档案室日常工具), Plone side: catalogue outputs and batch
description. The layout is the core's (``sd.archive.core.catalogues``); this package reads
the records from the catalog and acts through the record modules."""
