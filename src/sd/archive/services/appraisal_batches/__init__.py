"""GET/POST {fonds}/@appraisal-batches: the fonds' appraisal batches; propose one (#25)."""
