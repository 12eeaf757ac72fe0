"""`make bench` loads its data with triggers off (COPY, `session_replication_role = replica`):
what the triggers keep must then be computed for it, or the benchmark measures another app
(a list that counts 25 complaints pages to nothing; a name search that finds no one)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from bench.generate import generate
from complaints.models import Complaint
from complaints.selectors import complaint_count, complaint_list
from customers.models import Customer, SearchName
from customers.selectors import name_contains

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark's PostgreSQL"),
]


def test_a_small_benchmark_load_has_the_counts_and_names_the_triggers_would_keep():
    generate(total=300, years=0.25, out=io.StringIO())

    head_office = get_user_model().objects.get(username="bench.hq")
    assert Complaint.objects.count() == 300
    assert complaint_count(user=head_office) == 300
    supervisor = get_user_model().objects.get(username="bench.bench01.sup1")
    assert complaint_count(user=supervisor) == complaint_list(user=supervisor).count() > 0

    names = {name.upper() for name in Customer.objects.values_list("name", flat=True)}
    assert set(SearchName.objects.values_list("name", flat=True)) == names
    someone = Customer.objects.order_by("pk").first()
    assert someone in Customer.objects.filter(name_contains(someone.name[1:-1]))
