"""JSON Schema of group files, so editors (yaml-language-server) can autocomplete and check."""

from __future__ import annotations

import json
from typing import Any

from assistant.models import Group

SCHEMA_ID = "https://ustd-assistant.invalid/group.schema.json"


def group_schema() -> dict[str, Any]:
    schema = Group.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "ustd-assistant group profile", **{k: v for k, v in schema.items() if k != "title"}}


def group_schema_json() -> str:
    return json.dumps(group_schema(), indent=2, ensure_ascii=False)
