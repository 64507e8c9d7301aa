"""POST {batch}/@appraisal-opinions: a member's opinion (鉴定意见, #25)."""
