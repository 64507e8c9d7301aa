"""Intelligent mining (智能挖掘, #28): suggestions, findings. Pure Python, no Zope imports."""
