"""GET/POST {fonds}/@appraisal-group: the fonds' appraisal group (鉴定小组, #25)."""
