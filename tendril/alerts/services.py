"""Writes to alerts: set a segment's alert (who is told, how, on or off) and let a person
subscribe or unsubscribe themselves.

A segment has at most one alert (unique); writers lock its row, so two people saving at once
are applied one after the other and the list of people is never half of each.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor
from tendril.alerts.models import SegmentAlert
from tendril.alerts.notices import ENTERED_ONE
from tendril.core import clock
from tendril.core.errors import InvalidInput
from tendril.notifications.models import Notification, NotificationEmail
from tendril.segments.models import Segment

MAX_PEOPLE = 200


def _alert_locked(segment: Segment) -> SegmentAlert:
    """The segment's alert (made, switched on, in the app only, when it has none yet), its row
    locked for this transaction."""
    now = clock.now()
    alert, _created = SegmentAlert.objects.get_or_create(
        segment=segment, defaults={"created_at": now, "updated_at": now}
    )
    return SegmentAlert.objects.select_for_update().get(pk=alert.pk)


def _people_clean(ids: Collection[int]) -> list[User]:
    wanted = sorted(set(ids))
    if len(wanted) > MAX_PEOPLE:
        raise InvalidInput(
            _("An alert tells at most %(n)s people.") % {"n": MAX_PEOPLE}, field="users"
        )
    # An id no database column can hold is no user either (and must not reach the query).
    storable = [i for i in wanted if 0 < i < 2**63]
    people = list(User.objects.filter(pk__in=storable, is_active=True).order_by("pk"))
    missing = sorted(set(wanted) - {u.pk for u in people})
    if missing:
        raise InvalidInput(_("There is no active user %(id)s.") % {"id": missing[0]}, field="users")
    return people


@transaction.atomic
def alert_set(
    *,
    segment: Segment,
    users: Collection[int],
    in_app: bool,
    by_email: bool,
    active: bool,
    by: Actor,
) -> SegmentAlert:
    """The segment's alert as given: these people, told these ways, on or off. Only entries
    after this moment are told (the alert does not tell of who was already in)."""
    if active and not (in_app or by_email):
        raise InvalidInput(
            _("Choose at least one way to tell them: in Tendril, by email, or both."),
            field="in_app",
        )
    people = _people_clean(users)
    alert = _alert_locked(segment)
    alert.in_app, alert.by_email, alert.active = in_app, by_email, active
    alert.updated_at = clock.now()
    alert.save(update_fields=["in_app", "by_email", "active", "updated_at"])
    alert.users.set(people)
    return alert


@transaction.atomic
def alert_subscribe(*, segment: Segment, user: User, subscribed: bool) -> SegmentAlert:
    """``user`` added to (or taken off) the people the segment's alert tells; a segment without
    an alert gets one, on, in the app."""
    alert = _alert_locked(segment)
    if subscribed:
        alert.users.add(user)
    else:
        alert.users.remove(user)
    return alert


def notices_merge(keep_id: int, gone_id: int) -> None:
    """Two contacts merged (``tendril.contacts.merging``): the notifications (and emails
    still to leave) that said ``gone`` entered a segment now name and lead to ``keep``, who
    is that person. Deliveries are keyed by the entry's event, which moved to ``keep`` with
    the rest of the history, and ``keep`` takes ``gone``'s memberships over without a new
    entry: nobody is told twice of the same person entering."""
    url = reverse("contacts:contact_detail", args=[keep_id])
    told = list(Notification.objects.filter(kind=ENTERED_ONE, params__contact=gone_id))
    waiting = list(NotificationEmail.objects.filter(kind=ENTERED_ONE, params__contact=gone_id))
    rows: list[Notification | NotificationEmail] = [*told, *waiting]
    for row in rows:
        row.params = {**row.params, "contact": keep_id}
        row.url = url
    Notification.objects.bulk_update(told, ["params", "url"])
    NotificationEmail.objects.bulk_update(waiting, ["params", "url"])
