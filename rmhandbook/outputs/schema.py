"""JSON Schema files for editors, written from the content models."""

from __future__ import annotations

import json
from pathlib import Path

from rmhandbook.core.model import KINDS, SINGLE_FILES
from rmhandbook.core.org import Organization

# file name -> model; content files point at these with a
# `# yaml-language-server: $schema=...` first line
SCHEMA_FILES = {f"{name}.schema.json": model for name, model in SINGLE_FILES.items()}
SCHEMA_FILES.update({f"{kind.schema}.schema.json": kind.model for kind in KINDS.values()})
SCHEMA_FILES["org.schema.json"] = Organization  # orgs/<slug>/org.yml


def schema_documents() -> dict[str, str]:
    out = {}
    for name, model in sorted(SCHEMA_FILES.items()):
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        out[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
