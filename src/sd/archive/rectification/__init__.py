"""Rectification notices (整改通知, #26)."""
