"""Fixtures of the weekly report's tests; the history itself is described in world.py."""

import pytest

from tests.reports.world import World, weekly_world


@pytest.fixture
def world(store, hq, manager) -> World:
    return weekly_world(store, hq, manager)
