"""The printable agreement, in the customer's language, and the seeded response scripts."""

import pytest
from django.urls import reverse

from complaints.models import Category
from resolutions.models import ResponseScript
from resolutions.seed import script_texts
from tests.factories import CustomerFactory

from .helpers import awaiting_approval, awaiting_customer, investigating

pytestmark = pytest.mark.django_db


def agreement_for(client, user, complaint):
    client.force_login(user)
    return client.get(reverse("resolutions:agreement", args=[complaint.reference]))


def offered_to(customer, frontdesk, store):
    complaint = investigating(actor=frontdesk, store=store, customer=customer)
    from resolutions import services

    services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="exchange",
        amount="150",
        description="A new kettle of the same model",
    )
    return complaint


def test_the_agreement_in_english(client, frontdesk, store):
    customer = CustomerFactory(store=store, name="Alice Walker", preferred_language="en")
    complaint = offered_to(customer, frontdesk, store)
    response = agreement_for(client, frontdesk, complaint)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert complaint.reference in html and store.name in html and "Alice Walker" in html
    assert "The kettle stopped working after two days." in html  # the customer's account
    assert "A new kettle of the same model" in html and "150.00 CNY" in html
    # The closing words in four parts, from the script of the category, in English.
    assert "Once again, we are truly sorry that the product let you down." in html
    assert "Thank you for choosing us" in html
    assert "helps us protect other customers" in html
    assert "check the rest of this batch" in html
    assert html.count('class="signature"') == 2
    assert "navbar" not in html  # prints without the app's navigation


def test_the_agreement_in_chinese(client, frontdesk, store):
    customer = CustomerFactory(store=store, name="王小明", preferred_language="zh-hans")
    complaint = offered_to(customer, frontdesk, store)
    html = agreement_for(client, frontdesk, complaint).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "王小明" in html and complaint.reference in html
    assert "到货即有缺陷" in html  # the category, in Chinese
    assert "再次为商品给您带来的不便向您诚恳道歉。" in html
    assert "感谢您选择我们，也感谢您给我们弥补的机会。" in html
    assert "感谢您把这个问题告诉我们" in html
    assert "我们会检查同批次的其他商品，并加强交付前的检验。" in html
    assert "Once again" not in html


def test_the_agreement_follows_the_customer_not_the_staff_language(client, frontdesk, store):
    customer = CustomerFactory(store=store, preferred_language="zh-hans")
    complaint = offered_to(customer, frontdesk, store)
    client.force_login(frontdesk)
    html = client.get(
        reverse("resolutions:agreement", args=[complaint.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "再次为商品给您带来的不便向您诚恳道歉。" in html


def test_no_agreement_while_the_resolution_waits_for_approval(client, frontdesk):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    html = agreement_for(client, frontdesk, complaint).content.decode()
    assert 'data-testid="agreement-missing"' in html
    assert 'class="signature"' not in html


def test_another_stores_agreement_is_a_404(client, frontdesk, other_complaint):
    assert agreement_for(client, frontdesk, other_complaint).status_code == 404


def test_the_agreement_runs_a_constant_number_of_queries(
    client, frontdesk, django_assert_max_num_queries
):
    complaint = awaiting_customer(proposer=frontdesk)
    client.force_login(frontdesk)
    url = reverse("resolutions:agreement", args=[complaint.reference])
    client.get(url)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_every_default_category_has_an_english_and_a_chinese_script():
    categories = Category.objects.all()
    assert categories.count() == len(script_texts()) > 20
    for category in categories:
        languages = set(category.scripts.values_list("language", flat=True))
        assert languages == {"en", "zh-hans"}, category.code
    for script in ResponseScript.objects.all():
        assert all(text.strip() for text in [script.opening, *script.closing_parts]), script
    chinese = ResponseScript.objects.filter(language="zh-hans")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s.opening) for s in chinese)
