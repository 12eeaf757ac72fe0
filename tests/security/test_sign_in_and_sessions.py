"""Sign-in and sessions: lockout on the app and admin logins, password rules,
idle and absolute timeouts, logout and deactivation end sessions, a new key at sign-in."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def _signed_in_as(client):
    return client.session.get(SESSION_KEY)


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith((LOGIN, ADMIN_LOGIN))


def _fail(client, url, username, times):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong-password"})
        assert _signed_in_as(client) is None
    return response


# ---- lockout ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN], ids=["app", "admin"])
def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(
    client, supervisor, url
):
    _fail(client, url, "supervisor", settings.AXES_FAILURE_LIMIT)
    response = client.post(url, {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert _signed_in_as(client) is None


def test_failures_on_the_admin_login_count_towards_the_app_lockout(client, supervisor):
    _fail(client, ADMIN_LOGIN, "supervisor", 3)
    _fail(client, LOGIN, "supervisor", 2)
    response = client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_four_failures_still_let_the_right_password_in(client, frontdesk):
    _fail(client, LOGIN, "frontdesk", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "frontdesk", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(frontdesk.pk)


def test_a_locked_username_does_not_lock_out_a_colleague(client, frontdesk, supervisor):
    _fail(client, LOGIN, "frontdesk", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(supervisor.pk)


# ---- passwords -------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.mark.parametrize("weak", ["password", "12345678", "short1", "newbie123"])
def test_admin_refuses_to_create_a_user_with_a_weak_password(client, superuser, weak):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "password1": weak, "password2": weak, "usable_password": "true"},
    )
    assert response.status_code == 200  # the form again, with the validator's message
    assert response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_admin_refuses_to_set_a_weak_password(client, superuser, frontdesk):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[frontdesk.pk])
    response = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    frontdesk.refresh_from_db()
    assert frontdesk.check_password(PASSWORD)


def test_admin_accepts_a_strong_password(client, superuser):
    client.force_login(superuser)
    strong = "plum-Velvet-harbour-29"
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "password1": strong, "password2": strong, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="newbie").check_password(strong)


# ---- session keys, logout, deactivation --------------------------------------------------------


def test_signing_in_issues_a_new_session_key(client, frontdesk):
    session = client.session  # an anonymous session, as an attacker could plant one
    session["planted"] = "yes"
    session.save()
    before = session.session_key
    response = client.post(LOGIN, {"username": "frontdesk", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_the_session_on_the_server(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nowhere.
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert _sent_to_sign_in(client.get(reverse("admin:index")))


def test_deactivating_a_user_ends_all_their_sessions(client, supervisor, frontdesk):
    from django.test import Client

    other_device = Client()
    for c in (client, other_device):
        c.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    colleague = Client()
    colleague.post(LOGIN, {"username": "frontdesk", "password": PASSWORD})
    assert Session.objects.count() == 3

    supervisor.is_active = False
    supervisor.save()

    assert Session.objects.count() == 1  # only the colleague's session is left
    for c in (client, other_device):
        assert _sent_to_sign_in(c.get(reverse("admin:index")))
    # Reactivating the account does not bring the old sessions back.
    supervisor.is_active = True
    supervisor.save()
    assert _sent_to_sign_in(client.get(reverse("admin:index")))


def test_deactivating_in_the_admin_ends_the_users_sessions(client, superuser, supervisor):
    from django.test import Client

    victim = Client()
    victim.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[supervisor.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"password"}}
    data.update(
        {
            "is_active": "",
            "is_staff": "on",
            "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
            "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
            "groups": [g.pk for g in supervisor.groups.all()],
            "user_permissions": [],
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    supervisor.refresh_from_db()
    assert not supervisor.is_active
    assert _sent_to_sign_in(victim.get(reverse("admin:index")))


# ---- timeouts ----------------------------------------------------------------------------------


def _age_session(client, *, login_ago: int, seen_ago: int) -> str:
    session = client.session
    now = int(time.time())
    session["login_at"] = now - login_ago
    session["last_seen"] = now - seen_ago
    session.save()
    return session.session_key


def test_a_session_idle_past_the_limit_is_signed_out(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    key = _age_session(client, login_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[0][0].startswith(f"{LOGIN}?next=/admin/")
    assert "without activity" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_within_the_idle_limit_keeps_the_user_signed_in(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    _age_session(client, login_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get(reverse("admin:index")).status_code == 200
    # …and the request counted as activity.
    assert int(time.time()) - client.session["last_seen"] < 5


def test_the_absolute_limit_ends_even_an_active_session(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    key = _age_session(client, login_ago=settings.SESSION_COOKIE_AGE + 5, seen_ago=1)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "sessions last at most" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_does_not_extend_the_absolute_limit(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    _age_session(client, login_ago=settings.SESSION_COOKIE_AGE - 120, seen_ago=60)
    assert client.get(reverse("admin:index")).status_code == 200
    login_at = client.session["login_at"]
    assert int(time.time()) - login_at >= settings.SESSION_COOKIE_AGE - 120


def test_sign_in_records_when_the_session_started(client, frontdesk):
    client.post(LOGIN, {"username": "frontdesk", "password": PASSWORD})
    assert abs(int(time.time()) - client.session["login_at"]) < 5


def test_an_idle_session_on_a_public_page_is_signed_out_without_a_detour(client, supervisor):
    client.post(LOGIN, {"username": "supervisor", "password": PASSWORD})
    key = _age_session(client, login_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)  # the health check answers, no redirect
    assert not Session.objects.filter(session_key=key).exists()
