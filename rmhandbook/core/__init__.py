"""YAML -> a validated, immutable Handbook. Imports nothing from mkdocs or jinja."""
