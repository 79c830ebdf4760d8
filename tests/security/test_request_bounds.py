"""Bounded inputs (ASVS 5.2.2) and no mass assignment (5.1.2), read from the OpenAPI document.

Every request body the API accepts is walked to its leaves: each object refuses properties it
does not name, each string has a maxLength, each array a maxItems and each map a
maxProperties. A new request model without its bounds fails here, naming the field.
"""

from pathlib import Path
from typing import Any

from indusx.main import create_app
from tests.conftest import make_settings

# Multipart upload forms: FastAPI builds these from the route's Form and File parameters, so
# they are not models that could be bound to rows; a file is bounded by upload_max_bytes (a
# 413 beyond it), and the list import's form fields are read only to pick the list.
JUSTIFIED: dict[str, str] = {
    "Body_import_bundle_api_v1_supply_import_post": "CSV files, bounded by upload_max_bytes",
    "Body_import_list_api_v1_screening_lists_import_post": "list files and the list's key and "
    "name as form fields, officers only; the files bounded by upload_max_bytes",
    "Body_upload_attachment_api_v1_proposals__proposal_id__attachments_post":
        "one file, bounded by upload_max_bytes",
    "Body_upload_document_api_v1_partnerships__partnership_id__documents_post":
        "one file (its title and description have maxLength), bounded by upload_max_bytes",
}


def _problems(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """Return 'Model.field: what is missing' for every unbounded or open part of a body."""
    found: list[str] = []

    def walk(node: Any, where: str, seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen and name not in JUSTIFIED:
                walk(components[name], name, seen | {name})
            return
        kind = node.get("type")
        if (kind == "object" and "properties" in node
                and node.get("additionalProperties") is not False):
            found.append(f"{where}: accepts properties it does not name")
        # Enumerations, constants and dates are bounded by what they may be.
        if (kind == "string" and "maxLength" not in node and "enum" not in node
                and "const" not in node and node.get("format") not in ("date", "date-time")):
            found.append(f"{where}: string without maxLength")
        if kind == "array" and "maxItems" not in node:
            found.append(f"{where}: array without maxItems")
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            if "maxProperties" not in node:
                found.append(f"{where}: map without maxProperties")
            walk(node["additionalProperties"], f"{where}{{}}", seen)
            walk(node.get("propertyNames"), f"{where}{{key}}", seen)
        walk(node.get("items"), f"{where}[]", seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                walk(option, where, seen)
        for name, prop in node.get("properties", {}).items():
            walk(prop, f"{where}.{name}", seen)

    walk(schema, "body", frozenset())
    return found


def test_every_request_body_is_closed_and_bounded(tmp_path: Path) -> None:
    spec = create_app(make_settings(f"sqlite:///{tmp_path / 'spec.db'}")).openapi()
    components = spec["components"]["schemas"]
    problems: set[str] = set()
    bodies = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                bodies += 1
                problems.update(f"{method.upper()} {path}: {p}"
                                for p in _problems(media["schema"], components))

    assert bodies > 50
    assert sorted(problems) == []


def test_the_walk_finds_an_open_or_unbounded_body() -> None:
    components = {
        "Open": {"type": "object", "properties": {"note": {"type": "string"}}},
        "Closed": {"type": "object", "additionalProperties": False, "properties": {
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 9}},
            "answers": {"type": "object", "additionalProperties": {"type": "string"}},
            "email": {"type": "string", "format": "email"},
            "when": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": ["a", "b"]},
        }},
    }
    assert sorted(_problems({"$ref": "#/components/schemas/Open"}, components)) == [
        "Open.note: string without maxLength", "Open: accepts properties it does not name"]
    assert sorted(_problems({"$ref": "#/components/schemas/Closed"}, components)) == [
        "Closed.answers: map without maxProperties",
        "Closed.answers{}: string without maxLength",
        "Closed.email: string without maxLength",
        "Closed.tags: array without maxItems",
    ]
