"""rmhandbook: YAML definitions of a reverse-mentoring program, rendered as a handbook site."""

__version__ = "0.1.0"
