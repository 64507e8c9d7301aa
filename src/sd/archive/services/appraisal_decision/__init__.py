"""POST {batch}/@appraisal-decision: submit, approve or reject a batch (#25)."""
