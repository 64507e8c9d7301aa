"""POST {batch}/@appraisal-carriers: confirm an offline carrier destroyed (#25)."""
