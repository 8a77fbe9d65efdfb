"""Typed records, the contract's vocabularies and the SQLite table definitions."""
