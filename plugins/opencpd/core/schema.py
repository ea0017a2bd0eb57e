"""JSON Schemas of the content types, with the vocabularies filled in as enums."""

from __future__ import annotations

from typing import Any

from .model import CONTENT_TYPES
from .vocabulary import Vocabulary


def schemas(vocabulary: Vocabulary) -> dict[str, dict[str, Any]]:
    return {
        name: _with_enums(model.model_json_schema(), vocabulary)
        for name, model in CONTENT_TYPES.items()
    }


def _with_enums(node: Any, vocabulary: Vocabulary) -> Any:
    if isinstance(node, dict):
        out = {k: _with_enums(v, vocabulary) for k, v in node.items()}
        list_name = out.pop("x-vocabulary", None)
        if list_name:
            out["enum"] = vocabulary.ids(list_name)
        return out
    if isinstance(node, list):
        return [_with_enums(v, vocabulary) for v in node]
    return node
