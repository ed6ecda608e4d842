"""The load of a working day: caseworkers of one organisation and a statistics user (``manage.py bench_load``).

Each simulated caseworker signs in once and then, with 10 to 30 seconds of
thinking between steps, opens the worklist, the case list, searches a name,
opens a case and one of its persons, and records a contact (with the form's
CSRF token and one-time key). The statistics user opens the key-figure
dashboard. ``bench_load`` writes the accounts, URLs and sample records into
the JSON file named by ``LOTSE_LOAD_PLAN``.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOTSE_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


class _SignedIn(HttpUser):
    abstract = True
    wait_time = between(10, 30)
    username = ""

    def on_start(self) -> None:
        self.client.verify = False  # the benchmark's own self-signed certificate
        page = self.client.get(PLAN["login"], name="login (form)")
        match = TOKEN.search(page.text)
        self.client.post(
            PLAN["login"],
            data={
                "csrfmiddlewaretoken": match.group(1) if match else "",
                "username": self.username,
                "password": PLAN["password"],
            },
            headers={"Referer": self.host + PLAN["login"]},
            name="login",
        )


class Caseworker(_SignedIn):
    weight = 30

    def on_start(self) -> None:
        self.username = random.choice(PLAN["caseworkers"])
        super().on_start()

    @task(1)
    def trivial(self) -> None:
        """The floor: a static file through the same server, under the same load."""
        self.client.get(PLAN["trivial"], name="trivial (static file)")

    @task(3)
    def worklist(self) -> None:
        self.client.get(PLAN["worklist"], name="worklist")

    @task(2)
    def case_list(self) -> None:
        self.client.get(PLAN["case_list"], name="case list")

    @task(2)
    def name_search(self) -> None:
        self.client.get(PLAN["case_list"], params={"q": random.choice(PLAN["names"])}, name="name search")

    @task(3)
    def case_page(self) -> None:
        case = random.choice(PLAN["cases"])
        self.client.get(PLAN["case"].format(case["id"]), name="case page")

    @task(2)
    def person_page(self) -> None:
        case = random.choice(PLAN["cases"])
        self.client.get(PLAN["person"].format(case["id"], case["person"]), name="person page")

    @task(1)
    def record_contact(self) -> None:
        case = random.choice(PLAN["cases"])
        url = PLAN["contact"].format(case["id"])
        form = self.client.get(url, name="contact (form)")
        token, key = TOKEN.search(form.text), KEY.search(form.text)
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "submission_key": key.group(1) if key else "",
                "date": datetime.date.today().isoformat(),
                "duration_minutes": "30",
                "form": "buero",
                "interpreter_kind": "keine",
                "note": "Lasttest",
            },
            headers={"Referer": self.host + url},
            name="contact (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not saved: {response.status_code}")


class Statistician(_SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.username = PLAN["statistician"]
        super().on_start()

    @task
    def dashboard(self) -> None:
        self.client.get(PLAN["dashboard"], name="dashboard")
