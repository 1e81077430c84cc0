"""Fixtures of the core's tests."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def session(context, clock):
    """A run of the built-in checklist whose T-0 is three hours ahead (12:30 UTC), as its current session."""
    context.create_run("Release 2.4.0", None, clock() + timedelta(hours=3))
    return context.current_session()
