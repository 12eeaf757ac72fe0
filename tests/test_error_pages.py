"""Error pages speak the user's language and offer a way back, instead of Django's bare English
pages: 404 (also what another store's records look like), 403, the CSRF failure, 400 and 500.
The 500 page renders without a request context and without the database."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from config.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@login_not_required
def boom(request):
    raise RuntimeError("a bug")


# The project's URLs plus one view that fails, to see the real 500 handler at work.
urlpatterns = [path("__boom__/", boom), *project_urlpatterns]


def test_a_404_in_chinese_shows_the_chinese_page_with_a_way_back(client, frontdesk):
    client.force_login(frontdesk)
    response = client.get("/no-such-page/", **CHINESE)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "该页面不存在，或您无权查看。" in html
    assert f'href="{reverse("complaints:my_work")}"' in html
    assert "我的工作" in html  # the usual navigation, in Chinese
    assert "Not Found" not in html


def test_another_stores_complaint_is_the_same_friendly_404(client, frontdesk, other_complaint):
    client.force_login(frontdesk)
    response = client.get(reverse("complaints:detail", args=[other_complaint.reference]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert other_complaint.reference not in html  # not even in the language switcher

    # Switching language from there returns to the same address, by the Referer.
    url = reverse("complaints:detail", args=[other_complaint.reference])
    switched = client.post(
        reverse("set_language"), {"language": "zh-hans"}, HTTP_REFERER=f"http://testserver{url}"
    )
    assert switched.status_code == 302 and switched.url.endswith(url)


def test_a_signed_out_visitor_gets_the_404_page_too(client):
    response = client.get("/no-such-page/", **CHINESE)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert 'data-testid="language-switcher"' in response.content.decode()


def test_a_403_in_chinese_says_the_role_does_not_allow_it(client, frontdesk):
    client.force_login(frontdesk)
    response = client.get(reverse("reports:weekly"), **CHINESE)
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "您的角色无权访问此页面或执行此操作。" in html
    assert "返回我的工作" in html


def test_a_refused_form_says_it_has_expired_in_the_users_language(password, frontdesk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "frontdesk", "password": password}, **CHINESE
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已过期" in html and "请返回并刷新页面" in html
    assert "CSRF" not in html  # not Django's technical page


@pytest.mark.urls(__name__)
def test_a_crash_shows_the_translated_500_page(client):
    client.raise_request_exception = False
    response = client.get("/__boom__/", **CHINESE)
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错了" in html and "请过几分钟再试" in html
    assert 'lang="zh-hans"' in html


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong"), ("zh-hans", "出错了")]
)
def test_the_500_page_needs_no_request_context_and_no_database(
    language, text, django_assert_num_queries
):
    request = RequestFactory().get("/")  # no user, no session: as when the database is down
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert text in response.content.decode()
    assert 'href="/"' in response.content.decode()  # a way back


def test_the_400_page_is_translated_too(django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = bad_request(RequestFactory().get("/"), exception=None)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
