"""长期保存 (long-term preservation), the Plone side.

Adapts ``sd.archive.core.preservation``: builds AIPs from records (``package``), writes them
to the configured storage locations when a record is archived, received or changed
(``store``), checks and repairs the copies (``fixity``), rebuilds a site from one location
(``rebuild``), batches discs (``discs``), backs up and restores (``backup``), converts to
preservation formats (``conversion``) and migrates to new locations (``migration``).
"""
