"""Handbook -> pages (Markdown with front matter), assets and print documents. No mkdocs."""
