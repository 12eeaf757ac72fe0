"""What a request reads once and reuses: the user's store ids. Cached on the user object, but
never stale after a membership change through the ORM."""

import pytest
from django.contrib.auth import get_user_model

from complaints.models import StoreMembership
from complaints.selectors import complaints_visible_to, store_ids_visible_to
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_store_ids_are_read_once_per_user_object(frontdesk, store, django_assert_num_queries):
    frontdesk.has_perm("complaints.view_complaint")  # permissions loaded
    with django_assert_num_queries(1):
        assert store_ids_visible_to(frontdesk) == [store.pk]
        assert store_ids_visible_to(frontdesk) == [store.pk]
        complaints_visible_to(frontdesk)


def test_a_membership_change_is_seen_by_the_same_user_object(frontdesk, store, other_store):
    elsewhere = make_complaint(actor=fresh(frontdesk), store=store)
    assert list(complaints_visible_to(frontdesk)) == [elsewhere]

    StoreMembership.objects.filter(user=frontdesk).delete()
    assert store_ids_visible_to(frontdesk) == []
    assert not complaints_visible_to(frontdesk).exists()

    StoreMembership.objects.create(user=frontdesk, store=other_store)
    assert store_ids_visible_to(frontdesk) == [other_store.pk]

    other_store.staff.remove(frontdesk)
    store.staff.add(frontdesk)
    assert store_ids_visible_to(frontdesk) == [store.pk]


def test_the_cached_list_cannot_be_altered_by_a_caller(frontdesk, store):
    store_ids_visible_to(frontdesk).append(12345)
    assert store_ids_visible_to(frontdesk) == [store.pk]
