"""Page numbers over a million complaints.

- The rows of a page: `OFFSET 120000` reads and throws away 120,000 whole rows with everything
  joined to them. The page's ids are taken from the list's own order instead (an index-only
  scan of the sort index when there is one; from its far end for the second half of the
  pages), then only those rows are read with their joins: the same rows in the same order as
  `Paginator`, in one query.
- The count: given when it is known without counting (the unfiltered list), and for a text
  search counted only up to a limit, because every match of a word found in a quarter of the
  accounts would have to be read to count them exactly. Past the limit the list says "more
  than 1,000" and pages on as far as there are rows.
- A text search finds its matches once: one query reads the ids of the matches up to the
  limit in the list's order, which gives both the count and the page's ids; the page's rows
  are then read by those ids alone. Asking the database the search again for the rows (as a
  subquery) ran the customer-name match and the account scan twice, and checked every row of
  the page against them a third time.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class ComplaintPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page,
        *,
        count: int | None = None,
        count_limit: int | None = None,
        rows: QuerySet | None = None,
    ):
        """`rows`: where a counted-up-to-a-limit page reads its rows by id (the list's joins
        without its filters, which chose the ids already); the filtered list by default."""
        super().__init__(object_list, per_page)
        self._known_count = count
        self.count_limit = count_limit
        self._rows = object_list if rows is None else rows
        self._requested = 1

    def get_page(self, number):
        try:
            self._requested = max(int(number), 1)
        except (TypeError, ValueError):
            self._requested = 1
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self.count_limit is None:
            return super().count
        return len(self._leading_ids)

    @cached_property
    def _leading_ids(self) -> list:
        """The ids of the first matches in the list's order: enough to show the page asked
        for and to know whether another follows it."""
        return list(self.object_list.values_list("pk", flat=True)[: self._counted_up_to])

    @property
    def _counted_up_to(self) -> int:
        return max(self.count_limit, self._requested * self.per_page) + 1

    @property
    def count_is_partial(self) -> bool:
        """True when there are more rows than were counted (`count` is then a lower bound)."""
        return self.count_limit is not None and self.count >= self._counted_up_to

    @property
    def shown_count(self) -> int:
        """What the list says: the count, or the limit it went past ("more than 1,000")."""
        return self._counted_up_to - 1 if self.count_is_partial else self.count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.count_limit is not None:
            ids = list(dict.fromkeys(self._leading_ids[bottom:top]))  # a join may repeat one
            found = {row.pk: row for row in self._rows.filter(pk__in=ids)}
            return self._get_page([found[pk] for pk in ids if pk in found], number, self)
        queryset = self.object_list
        # The inner query keeps the filters and the order with its tie-breaking key; the outer
        # one reads those rows and orders them the same way. Past the middle of an exactly
        # counted list the ids are taken from the other end (the last page skips nothing).
        if self.count_limit is None and bottom > self.count // 2:
            page_ids = queryset.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            page_ids = queryset.values("pk")[bottom:top]
        return self._get_page(queryset.filter(pk__in=page_ids), number, self)
