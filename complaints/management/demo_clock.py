"""A clock for writing history: pins `django.utils.timezone.now()` to a chosen past moment.

The demo data is written through the services, which stamp every row with
`timezone.now()` (event rows, resolutions, decisions, acknowledgement and resolution times,
paused clocks). To make thirteen weeks of history look lived-in, the demo command sets this
clock to the moment each step "happened" before calling the service.

How: `django.utils.timezone.now()` calls `datetime.now(tz=utc)` on the `datetime` name of its
own module. We replace that one name with a subclass whose `now()` answers the demo moment.
This reaches every caller, including model fields declared with `default=timezone.now` (they
hold a reference to the function, so patching the function itself would miss them). Nothing
else in the process is touched, and `isinstance(x, datetime)` keeps working for real
datetimes. Used only by `manage.py load_demo`; never in the running application.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

_REAL_DATETIME = _dt.datetime


class DemoClock:
    """The moment the demo story has reached; `None` means the real time."""

    def __init__(self) -> None:
        self.moment: _dt.datetime | None = None

    def set(self, moment: _dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("DemoClock needs an aware datetime")
        real_now = _REAL_DATETIME.now(_dt.UTC)
        # History only: a row stamped in the future would confuse every due-time query.
        self.moment = min(moment, real_now)

    def now(self, tz: _dt.tzinfo | None = None) -> _dt.datetime:
        moment = self.moment or _REAL_DATETIME.now(_dt.UTC)
        if tz is None:
            return moment.astimezone().replace(tzinfo=None)
        return moment.astimezone(tz)

    @contextmanager
    def running(self) -> Iterator[DemoClock]:
        """While inside, `django.utils.timezone.now()` answers this clock."""
        clock = self

        class _Meta(type):
            def __instancecheck__(cls, instance) -> bool:
                return isinstance(instance, _REAL_DATETIME)

        class _ClockDatetime(_REAL_DATETIME, metaclass=_Meta):
            @classmethod
            def now(cls, tz=None):
                return clock.now(tz)

        with mock.patch("django.utils.timezone.datetime", _ClockDatetime):
            try:
                yield self
            finally:
                self.moment = None
