"""Long-term preservation (电子档案长期安全保存).

AIPs as DA/T 48 EEP files (``aip``), storage locations (``storage``), fixity checks
(``fixity``), repair from good copies (``repair``), disc batching (组盘, ``discs``),
backup and restore (``backup``), format conversion (``conversion``) and migration to a new
location (``migration``). Pure Python: the Plone side fills the inputs and logs the events.
"""
