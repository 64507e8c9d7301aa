"""GET {fonds}/@retention-due: the fonds' due list (到期档案清单, #25)."""
