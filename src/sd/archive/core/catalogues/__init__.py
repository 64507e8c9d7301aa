"""Catalogue outputs (档案目录): pure layout code, no Zope import.

:mod:`.item_catalogue` lays out the 归档文件目录 (item-level catalogue, DA/T 22-2015) as
XLSX and as PDF from plain rows; the Plone side (``sd.archive.catalogues``) reads the rows
from the catalog.
"""
