"""Permitsuite for hosting operators: jurisdictions as code."""
