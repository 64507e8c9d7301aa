"""POST {batch}/@appraisal-execute: execute an approved destruction (销毁执行, #25)."""
