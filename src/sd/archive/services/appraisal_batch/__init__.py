"""GET {batch}/@appraisal-batch: a batch with its records and opinions side by side (#25)."""
