"""GET {batch}/@appraisal-certificate: the destruction certificate (销毁证明, #25)."""
