"""The message catalogue: every user-facing message of the web pages, the API and the CLI,
looked up by key in `models/messages.vi.yaml` (the one place the wording lives).

    msg("ingest.page_no_text", page=2)   ->  "trang 2: không có chữ"

A key missing from the catalogue raises KeyError naming it (tests scan the code for keys)."""
from __future__ import annotations

from functools import lru_cache

from ocop_docs.resources import load_yaml

CATALOGUE = "messages.vi.yaml"


@lru_cache(maxsize=None)
def catalogue() -> dict[str, object]:
    """The catalogue flattened to dotted keys ("ingest.empty")."""
    flat: dict[str, object] = {}

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            flat[prefix] = node
    walk("", load_yaml(CATALOGUE))
    return flat


def msg(key: str, **params) -> str:
    """The message `key` with its `{fields}` filled from `params`."""
    try:
        text = catalogue()[key]
    except KeyError:
        raise KeyError(f"message {key!r} is not in models/{CATALOGUE}") from None
    return str(text).format(**params) if params else str(text)


def msg_list(key: str) -> list[str]:
    """A catalogue entry that is a list (e.g. CSV column titles)."""
    value = catalogue()[key]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def has(key: str) -> bool:
    return key in catalogue()


def translate_argparse() -> None:
    """argparse's own words (usage, "the following arguments are required" ...) in
    Vietnamese, from the catalogue's `argparse` list; argparse looks its `_` up on each call."""
    import argparse

    table = {item["en"]: item["vi"] for item in catalogue().get("argparse", [])}
    argparse._ = lambda text: table.get(text, text)
