"""GET/POST {fonds}/@mining-thesaurus: the fonds' controlled vocabulary (主题词表, #28)."""
