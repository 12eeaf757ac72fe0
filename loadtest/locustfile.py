"""200 staff at work: each virtual user signs in as a member of ONE store and browses, searches,
opens complaints, logs new ones and adds notes. Every response is checked: no error, and no
reference of the other store anywhere in the body (`<OTHER>-YYYY-`).

Run by `make loadtest` (loadtest/run.py), which sets LOADTEST_STAFF and the password.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "onestop-demo-2026")
# {"sh01": ["lt.sh01.fd1", ...], "bj01": [...]}
STAFF: dict[str, list[str]] = json.loads(os.environ.get("LOADTEST_STAFF", "{}"))
STORES = sorted(STAFF)
# Round robin over the stores, so the virtual users are spread evenly across them.
_accounts = itertools.cycle(
    [
        (store, name)
        for names in itertools.zip_longest(*(STAFF[s] for s in STORES))
        for store, name in zip(STORES, names, strict=True)
        if name
    ]
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r"\b([A-Z0-9]{2,12})-(20\d\d)-(\d{6})\b")
LEAKS = {"count": 0}
# The measurement starts when every virtual user has signed in (sign-in hashes the password:
# 200 of them at once would swamp two cores and say nothing about the pages), then runs for
# LOADTEST_SECONDS and stops the test.
USERS = int(os.environ.get("LOADTEST_USERS", "200"))
MEASURE_SECONDS = int(os.environ.get("LOADTEST_SECONDS", "120"))
SIGNED_IN = {"count": 0}


@events.quitting.add_listener
def _report_leaks(environment, **kwargs):
    if LEAKS["count"]:
        environment.process_exit_code = 1


def _signed_in(environment) -> None:
    SIGNED_IN["count"] += 1
    if SIGNED_IN["count"] == USERS:
        import gevent

        print(f"all {USERS} staff signed in: measuring for {MEASURE_SECONDS} s", flush=True)
        environment.runner.stats.reset_all()
        gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


class Staff(FastHttpUser):
    # Staff read what they opened: a page every 5-15 s each.
    wait_time = between(5, 15)

    def on_start(self):
        self.store, self.username = next(_accounts)
        self.prefix = self.store.upper()
        self.others = [s.upper() for s in STORES if s != self.store]
        self.role = self.username.split(".")[-1].rstrip("0123456789")
        self.references: list[str] = []
        self.other_references: list[str] = []
        page = self.client.get("/accounts/login/", name="sign-in form")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"sign-in as {self.username} failed")
        _signed_in(self.environment)

    # ---- helpers -------------------------------------------------------------------------

    def _get(self, path: str, name: str, expect: int = 200):
        with self.client.get(path, name=name, catch_response=True) as response:
            self._check(response, expect)
            return response

    def _check(self, response, expect: int) -> None:
        if response.status_code != expect:
            response.failure(f"HTTP {response.status_code} (expected {expect})")
            return
        body = response.text or ""
        for other in self.others:
            if f"{other}-20" in body:
                LEAKS["count"] += 1
                response.failure(f"LEAK: {self.username} ({self.store}) saw a {other} reference")
                return
        for prefix, year, number in REFERENCE.findall(body):
            if prefix == self.prefix:
                self.references.append(f"{prefix}-{year}-{number}")
        del self.references[:-200]
        response.success()

    def _csrf(self, body: str) -> str:
        match = CSRF.search(body)
        return match.group(1) if match else ""

    # ---- what staff do -------------------------------------------------------------------

    @task(4)
    def my_work(self):
        self._get("/", "my work")

    @task(4)
    def complaint_list(self):
        self._get("/complaints/", "list")

    @task(3)
    def complaint_list_filtered(self):
        query = random.choice(
            [
                "status=new&status=acknowledged&status=investigating",
                "severity=high",
                "overdue=true",
                "channel=phone&sort=-received_at",
                "q=kettle",
                "q=139",
                f"received_after=2025-0{random.randint(1, 9)}-01",
            ]
        )
        self._get(f"/complaints/?{query}", "list filtered")

    @task(1)
    def complaint_list_deep_page(self):
        self._get(f"/complaints/?page={random.randint(20, 400)}", "list deep page")

    @task(5)
    def complaint_page(self):
        if not self.references:
            return self.complaint_list()
        self._get(f"/complaints/{random.choice(self.references)}/", "complaint page")

    @task(1)
    def other_stores_complaint(self):
        other = random.choice(self.others)
        number = random.randint(1, 300)
        self._get(f"/complaints/{other}-2026-{number:06d}/", "other store's complaint (404)", 404)

    @task(1)
    def customers(self):
        self._get("/customers/", "customers")

    @task(1)
    def weekly_report(self):
        if self.role == "mgr":
            self._get("/reports/weekly/", "weekly report")
        else:
            self.my_work()

    @task(1)
    def add_note(self):
        if not self.references or self.role == "mgr":
            return
        reference = random.choice(self.references)
        page = self._get(f"/complaints/{reference}/", "complaint page")
        token = self._csrf(page.text or "")
        if not token:
            return
        with self.client.post(
            f"/complaints/{reference}/act/note/",
            data={"csrfmiddlewaretoken": token, "kind": "note", "text": "Called the customer."},
            name="add note",
            catch_response=True,
        ) as response:
            self._check(response, 200)
