"""Rectification notices (整改通知, #26). Pure Python, no Zope imports."""
