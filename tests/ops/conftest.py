"""Fixtures of the operations tests: a JSON log capture."""

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from indusx.config import LogFormat
from indusx.ops import logging as ops_logging

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_log() -> Iterator[tuple[io.StringIO, LogLines]]:
    """Send INFO logs through the JSON handler into a buffer; return it and a line parser."""
    buffer = io.StringIO()
    handler = ops_logging.handler_for(LogFormat.JSON)
    handler.setStream(buffer)
    root, indusx = logging.getLogger(), logging.getLogger("indusx")
    old_level = indusx.level
    root.addHandler(handler)
    indusx.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line]

    yield buffer, lines
    root.removeHandler(handler)
    indusx.setLevel(old_level)
