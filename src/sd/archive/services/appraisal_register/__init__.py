"""GET {batch}/@appraisal-register: the destruction register (销毁清册, #25)."""
