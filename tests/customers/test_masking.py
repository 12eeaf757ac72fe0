import phonenumbers
import pytest

from customers.models import mask_phone


@pytest.mark.parametrize(
    "phone",
    ["+8613812345678", phonenumbers.parse("+8613812345678"), "13812345678", "138 1234 5678"],
)
def test_a_chinese_mobile_is_masked_as_staff_expect_it(phone):
    assert mask_phone(phone) == "138****5678"


def test_nothing_to_mask_is_empty():
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
