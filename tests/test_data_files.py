"""The data files under models/ and templates/ load without duplicate keys: YAML keeps the
last of two equal keys silently, so a pasted copy of a section would hide the first one."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DATA_FILES = sorted(p for d in ("models", "templates") for p in (REPO / d).rglob("*.yaml"))


class _StrictLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    keys = [k.value for k, _ in node.value]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"keys repeated: {repeated}",
                                                node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_data_file_has_no_repeated_keys(path):
    assert yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader) is not None
