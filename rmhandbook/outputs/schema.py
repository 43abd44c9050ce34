"""JSON Schema files for editors, written from the content models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rmhandbook.core.model import KINDS, SINGLE_FILES
from rmhandbook.core.org import Organization
from rmhandbook.outputs.targets import check_file, write_file

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


def _same_schema(ours: str) -> Callable[[bytes], bool]:
    """Is a file a schema rmhandbook wrote for the same model (any version): same `$schema` and `title`?"""
    want = json.loads(ours)

    def same(head: bytes) -> bool:
        try:
            found = json.loads(head.decode("utf-8"))
        except ValueError:
            return False
        return (isinstance(found, dict) and found.get("$schema") == want["$schema"]
                and found.get("title") == want.get("title"))

    return same


def write_schemas(out_dir: Path, force: bool = False) -> list[Path]:
    """Write every schema file into `out_dir`; a file of the same name that is not such a schema is refused
    (TargetError) before anything is written."""
    documents = schema_documents()
    for name, text in documents.items():
        check_file(out_dir / name, _same_schema(text), "a JSON Schema file", label="the schema file", force=force)
    written = []
    for name, text in documents.items():
        path = out_dir / name
        write_file(path, text.encode("utf-8"))
        written.append(path)
    return written
