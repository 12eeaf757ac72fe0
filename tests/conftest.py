"""Role users as fixtures: two stores, one user per role (SPEC.md "Addresses and demo")."""

import pytest

from tests.factories import PASSWORD, StoreFactory, make_complaint, staff


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def store(db):
    return StoreFactory(
        code="sh01", name="Shanghai Nanjing Road", region="East", time_zone="Asia/Shanghai"
    )


@pytest.fixture
def other_store(db):
    return StoreFactory(
        code="bj01", name="Beijing Wangfujing", region="North", time_zone="Asia/Shanghai"
    )


@pytest.fixture
def frontdesk(store):
    return staff("Front desk", store, username="frontdesk")


@pytest.fixture
def frontdesk2(other_store):
    return staff("Front desk", other_store, username="frontdesk2")


@pytest.fixture
def supervisor(store):
    return staff("Supervisor", store, username="supervisor")


@pytest.fixture
def supervisor2(other_store):
    return staff("Supervisor", other_store, username="supervisor2")


@pytest.fixture
def manager(store):
    return staff("Store manager", store, username="manager")


@pytest.fixture
def hq(db):
    return staff("Head office", username="hq")


@pytest.fixture
def complaint(frontdesk, store):
    return make_complaint(actor=frontdesk, store=store)


@pytest.fixture
def other_complaint(frontdesk2, other_store):
    return make_complaint(actor=frontdesk2, store=other_store)


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_survives_playwright(django_db_setup):
    """Serialized rollback restores the migrated data (roles, categories, limits, scripts) from
    a copy Django keeps on the connection object. Once Playwright's sync API runs its event
    loop in this thread, Django hands out another connection object without that copy, and
    every later transactional test finds an empty database. Share the copy with the class."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


def pytest_sessionstart(session):
    """In CI (REQUIRE_SERVICES=1) refuse to run on anything but PostgreSQL and Redis."""
    import os

    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine or not settings.REDIS_URL:
        pytest.exit(
            "REQUIRE_SERVICES=1 but DATABASE_URL/REDIS_URL do not point at PostgreSQL/Redis", 3
        )
