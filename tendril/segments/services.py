"""Writes to segments: create, edit and delete them, rebuild a dynamic segment's stored
membership, add and remove the contacts of a static one.

Every change of membership is announced on the event log (``segment_entered`` /
``segment_exited``, properties: the segment's id and name) in the same transaction as the
change itself, so journeys, alerts and scoring hear of exactly the changes that happened.
Writers of one segment's membership take a lock on the segment's row first: two rebuilds or
adds at once run one after the other, and each member is stored, and announced, once.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Min, OuterRef, ProtectedError, QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.selectors import contact_ids_by_email, contact_ids_existing
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.naming import name_clean, name_free
from tendril.core.services import events_record
from tendril.segments.dsl import filter_contacts, listening, moments, references
from tendril.segments.models import (
    Segment,
    SegmentDay,
    SegmentErasures,
    SegmentMember,
    SegmentRecheck,
    day_of,
)

logger = logging.getLogger(__name__)

ENTERED = "segment_entered"
EXITED = "segment_exited"
MAX_IDS = 10_000
BATCH = 1000
# Contacts re-evaluated per transaction when their window moments pass: short, so the segments
# consumer never waits long for a segment's row.
RECHECK_CHUNK = 250


def _name_clean(raw: object, *, segment_id: int | None = None) -> str:
    name = name_clean(
        raw,
        empty=_("Give the segment a name."),
        too_long=_("A segment's name is at most 200 characters."),
    )
    taken = _("There is already a segment named '%(name)s'.") % {"name": name}
    name_free(Segment.objects.all(), name, pk=segment_id, taken=taken)
    return name


def _filter_clean(raw: object, *, segment_id: int | None = None) -> dict[str, Any]:
    """The filter checked; an error names its bad part by its path in the filter, like
    ``all[1].op`` (API.md)."""
    if not isinstance(raw, dict) or not raw:
        raise InvalidInput(_("A dynamic segment needs a filter."), field="filter")
    filter_contacts(raw, segment_id=segment_id)
    return raw


@transaction.atomic
def segment_create(
    *, name: object, filter: object = None, static: bool = False, by: Actor
) -> Segment:
    """A new segment; a dynamic one is filled with the contacts its filter matches now."""
    if static and filter:
        raise InvalidInput(
            _("A static segment has no filter: add contacts to it instead."), field="filter"
        )
    now = clock.now()
    segment = Segment.objects.create(
        name=_name_clean(name),
        filter={} if static else _filter_clean(filter),
        static=static,
        created_by=by if isinstance(by, User) else None,
        created_at=now,
        updated_at=now,
    )
    _day_count(segment.pk)  # the day its history starts
    if not static:
        segment_rebuild(segment=segment)
    return segment


@transaction.atomic
def segment_update(
    *, segment: Segment, name: object = None, filter: object = None, by: Actor
) -> Segment:
    """A new name and/or filter; a new filter rebuilds the membership at once."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    if name is not None:
        segment.name = _name_clean(name, segment_id=segment.pk)
    refilter = filter is not None and filter != segment.filter
    if filter is not None:
        if segment.static:
            raise InvalidInput(
                _("A static segment has no filter: add contacts to it instead."), field="filter"
            )
        segment.filter = _filter_clean(filter, segment_id=segment.pk)
    segment.updated_at = clock.now()
    segment.save(update_fields=["name", "filter", "updated_at"])
    if refilter:
        segment_rebuild(segment=segment)
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment, by: Actor) -> None:
    """Deleted with its membership; other segments' filters, and the rules of other capabilities
    that name it (a stage rule), must not refer to it."""
    users = [
        s.name
        for s in Segment.objects.exclude(pk=segment.pk).only("name", "filter")
        if segment.pk in references(s.filter)
    ]
    if users:
        raise Conflict(
            _("Segment %(names)s uses this segment in its filter; change it first.")
            % {"names": ", ".join(sorted(users))}
        )
    audit_record(
        actor=by,
        action="segment.delete",
        target_type="segment",
        target_id=segment.pk,
        detail={"name": segment.name, "static": segment.static, "filter": segment.filter},
    )
    try:
        segment.delete()
    except ProtectedError as exc:
        # What other capabilities hang on a segment (a stage rule) keeps it until changed.
        names = sorted({str(obj) for obj in exc.protected_objects})
        raise Conflict(
            _("%(names)s use this segment; change or delete them first.")
            % {"names": ", ".join(f"“{name}”" for name in names)}
        ) from exc


@transaction.atomic
def segment_rebuild(*, segment: Segment) -> tuple[int, int]:
    """Stored membership made equal to what the filter matches now: (entered, exited)."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    matching = filter_contacts(segment.filter, segment_id=segment.pk)
    members = SegmentMember.objects.filter(segment=segment)
    # NOT EXISTS, not NOT IN: PostgreSQL hashes a NOT IN list only while it fits in work_mem
    # and otherwise re-runs the subquery for every row, which never ended for a segment of
    # 480,000 members (bench/RESULTS.md, "Keeping membership current").
    leaving = list(
        members.exclude(Exists(matching.filter(pk=OuterRef("contact_id")))).values_list(
            "contact_id", flat=True
        )
    )
    entering = list(
        matching.exclude(Exists(members.filter(contact_id=OuterRef("pk")))).values_list(
            "pk", flat=True
        )
    )
    _leave(segment, leaving)
    _enter(segment, entering)
    _rechecks_plan(segment, None)
    return len(entering), len(leaving)


# --- membership kept current between rebuilds ------------------------------------------------


def segments_in_order() -> list[Segment]:
    """The dynamic segments, each after the segments its filter refers to, so a pass over them
    sees each referred segment's membership already brought up to date."""
    pending = {s.pk: s for s in Segment.objects.filter(static=False).order_by("pk")}
    needs = {pk: references(s.filter) & pending.keys() for pk, s in pending.items()}
    ordered: list[Segment] = []
    while pending:
        ready = [pk for pk in pending if not needs[pk] & pending.keys()]
        # Filters with a cycle are refused when saved; should one exist, it is taken as is.
        for pk in ready or list(pending):
            ordered.append(pending.pop(pk))
    return ordered


def memberships_refresh(
    *, touched: Mapping[int, Collection[str]], moved: dict[int, set[int]]
) -> int:
    """Every dynamic segment re-evaluated for just the contacts something happened to that its
    filter can hear: ``touched`` (contact → the types of their events; a visit re-evaluates
    only the segments whose conditions name visits, see :func:`listening`) and ``moved``
    (segment id → contacts who entered or left it, for the segments that refer to it).
    Segments go in dependency order, and what changes in one is added to ``moved``, so
    dependants follow in the same pass. The cost grows with the contacts named, not with the
    contacts stored. Returns the number of changes."""
    changes = 0
    for segment in segments_in_order():
        hears = listening(segment.filter).hears
        ids = {contact for contact, types in touched.items() if hears(types)}
        ids = ids.union(*(moved.get(ref, set()) for ref in references(segment.filter)))
        if not ids:
            continue
        changed = segment_refresh(segment_id=segment.pk, contact_ids=ids)
        moved.setdefault(segment.pk, set()).update(changed)
        changes += len(changed)
    return changes


@transaction.atomic
def segment_refresh(*, segment_id: int, contact_ids: Collection[int]) -> set[int]:
    """One dynamic segment's membership of ``contact_ids`` made equal to what its filter says
    now, each entry and exit announced once (the segment's row is locked, as by a rebuild);
    returns the contacts who entered or left. A filter that no longer compiles (a custom field
    it reads was deleted) is left alone and logged: its segment waits for an edit."""
    segment = Segment.objects.select_for_update().filter(pk=segment_id, static=False).first()
    ids = sorted(set(contact_ids))
    if segment is None or not ids:
        return set()
    try:
        matching = [
            (chunk, filter_contacts(segment.filter, segment_id=segment.pk, among=chunk))
            for chunk in _chunks(ids)
        ]
    except InvalidInput:
        logger.warning("segment %s has a filter that no longer compiles", segment.pk)
        return set()
    changed: set[int] = set()
    for chunk, members_now in matching:
        now_in = set(members_now.values_list("pk", flat=True))
        were_in = set(
            SegmentMember.objects.filter(segment=segment, contact_id__in=chunk).values_list(
                "contact_id", flat=True
            )
        )
        _leave(segment, sorted(were_in - now_in))
        _enter(segment, sorted(now_in - were_in))
        changed |= now_in ^ were_in
    _rechecks_plan(segment, ids)
    return changed


def _rechecks_plan(segment: Segment, contact_ids: list[int] | None) -> None:
    """When each contact (all when ``None``) must be evaluated again for ``segment`` without a
    new event: the first moment one of its conditions that move with the clock changes its
    answer (an event leaving its ``within`` window, a date passing a "7 days ago" line).
    Contacts with no such moment have no row. Called with the segment locked."""
    due: dict[int, datetime] = {}
    chunks: list[list[int] | None] = [None] if contact_ids is None else [*_chunks(contact_ids)]
    for moment in moments(segment.filter):
        for chunk in chunks:
            rows = moment.rows.order_by()
            if chunk is not None:
                rows = rows.filter(**{f"{moment.contact}__in": chunk})
            for contact_id, first in (
                rows.values(moment.contact)
                .annotate(first=Min(moment.at))
                .values_list(moment.contact, "first")
            ):
                at = first + moment.shift
                due[contact_id] = min(due.get(contact_id, at), at)
    stale = SegmentRecheck.objects.filter(segment=segment)
    if contact_ids is None:
        stale.delete()
    else:
        for chunk in _chunks(contact_ids):
            planned = dict(stale.filter(contact_id__in=chunk).values_list("contact_id", "due_at"))
            stale.filter(contact_id__in=[i for i in planned if i not in due]).delete()
            # A moment that has not moved is not written again: most events leave it alone.
            for i in chunk:
                if i in due and planned.get(i) == due[i]:
                    del due[i]
    SegmentRecheck.objects.bulk_create(
        (SegmentRecheck(segment=segment, contact_id=i, due_at=at) for i, at in due.items()),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["segment", "contact_id"],
        update_fields=["due_at"],
    )


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


@transaction.atomic
def segment_rechecks_run(*, segment_id: int, limit: int = RECHECK_CHUNK) -> int:
    """Re-evaluate the contacts of one segment whose window moment has passed (at most
    ``limit``); returns how many were claimed. The segment's row is locked before the due rows
    (the order every membership writer uses), both ``SKIP LOCKED``: workers running at once
    share the due rows, and a segment the segments consumer is updating is left for the next
    pass instead of holding up the consumer, and with it every new event, behind this job."""
    if not Segment.objects.select_for_update(skip_locked=True).filter(pk=segment_id).exists():
        return 0  # or the segments consumer is at work on it: this job comes back later
    claimed = list(
        SegmentRecheck.objects.select_for_update(skip_locked=True)
        .filter(segment_id=segment_id, due_at__lt=clock.now())
        .order_by("due_at", "pk")
        .values_list("pk", "contact_id")[:limit]
    )
    if not claimed:
        return 0
    SegmentRecheck.objects.filter(pk__in=[pk for pk, _ in claimed]).delete()
    segment_refresh(segment_id=segment_id, contact_ids=[c for _, c in claimed])
    return len(claimed)


def segments_with_due_rechecks() -> list[int]:
    """The segments some contact of which is due to be evaluated again, in dependency order."""
    due = set(
        SegmentRecheck.objects.filter(due_at__lt=clock.now())
        .values_list("segment_id", flat=True)
        .distinct()
    )
    return [s.pk for s in segments_in_order() if s.pk in due]


def _ids_clean(raw: Iterable[int]) -> list[int]:
    ids = sorted(set(raw))
    if not ids:
        raise InvalidInput(_("Give at least one contact id."), field="ids")
    if len(ids) > MAX_IDS:
        raise InvalidInput(_("At most %(n)s contacts at a time.") % {"n": MAX_IDS}, field="ids")
    return ids


def _static_locked(segment: Segment) -> Segment:
    locked = Segment.objects.select_for_update().get(pk=segment.pk)
    if not locked.static:
        raise Conflict(
            _(
                "Contacts enter and leave this segment by its filter; "
                "only a static segment takes them by hand."
            ),
            field="ids",
        )
    return locked


@transaction.atomic
def segment_add_contacts(*, segment: Segment, ids: Iterable[int], by: Actor) -> int:
    """Contacts put into a static segment; returns how many were not in it yet."""
    wanted = _ids_clean(ids)
    segment = _static_locked(segment)
    found = contact_ids_existing(ids=wanted)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InvalidInput(_("There is no contact %(id)s.") % {"id": missing[0]}, field="ids")
    already = set(
        SegmentMember.objects.filter(segment=segment, contact_id__in=wanted).values_list(
            "contact_id", flat=True
        )
    )
    entering = [i for i in wanted if i not in already]
    _enter(segment, entering)
    return len(entering)


@transaction.atomic
def segment_remove_contacts(*, segment: Segment, ids: Iterable[int], by: Actor) -> int:
    """Contacts taken out of a static segment; returns how many were in it."""
    wanted = _ids_clean(ids)
    segment = _static_locked(segment)
    leaving = list(
        SegmentMember.objects.filter(segment=segment, contact_id__in=wanted).values_list(
            "contact_id", flat=True
        )
    )
    _leave(segment, leaving)
    return len(leaving)


@dataclass(frozen=True)
class ListChange:
    """What an upload did to a static list: ``matched`` contacts (each once), of which
    ``changed`` were added (or removed) and ``already`` were in (or out of) it; the emails of
    no contact, with their rows."""

    matched: int
    changed: int
    already: int
    not_found: list[tuple[int, str]]


@transaction.atomic
def segment_contacts_by_email(
    *, segment: Segment, emails: Sequence[tuple[int, str]], remove: bool = False, by: Actor
) -> ListChange:
    """The contacts of these (row, normalised email) pairs put into (or, with ``remove``, taken
    out of) a static segment, announced like a change by hand; an email of no contact changes
    nothing and is reported with its row. The segment's row is locked first, as by every
    membership writer, so two uploads at once run one after the other."""
    segment = _static_locked(segment)
    ids: dict[str, int] = {}
    for start in range(0, len(emails), BATCH):
        chunk = emails[start : start + BATCH]
        ids.update(contact_ids_by_email(emails=[email for _row, email in chunk]))
    wanted = sorted(set(ids.values()))
    members: set[int] = set()
    for chunk_ids in _chunks(wanted):
        members.update(
            SegmentMember.objects.filter(segment=segment, contact_id__in=chunk_ids).values_list(
                "contact_id", flat=True
            )
        )
    changing = [i for i in wanted if (i in members) is remove]
    if remove:
        _leave(segment, changing)
    else:
        _enter(segment, changing)
    return ListChange(
        matched=len(wanted),
        changed=len(changing),
        already=len(wanted) - len(changing),
        not_found=[(row, email) for row, email in emails if email not in ids],
    )


def _announce(segment: Segment, ids: list[int], type: str) -> None:
    properties = {"segment": segment.pk, "name": segment.name}
    events_record(((contact_id, type, properties) for contact_id in ids), batch_size=BATCH)


def _enter(segment: Segment, ids: list[int]) -> None:
    """Called with the segment's row locked, ``ids`` not members yet."""
    now = clock.now()
    SegmentMember.objects.bulk_create(
        (SegmentMember(segment=segment, contact_id=i, entered_at=now) for i in ids),
        batch_size=BATCH,
    )
    _announce(segment, ids, ENTERED)
    if ids:
        _day_count(segment.pk, entered=len(ids))


def _leave(segment: Segment, ids: list[int]) -> None:
    """Called with the segment's row locked, ``ids`` members."""
    for chunk in _chunks(ids):
        SegmentMember.objects.filter(segment=segment, contact_id__in=chunk).delete()
    _announce(segment, ids, EXITED)
    if ids:
        _day_count(segment.pk, exited=len(ids))


def _day_count(segment_id: int, *, entered: int = 0, exited: int = 0) -> None:
    """Add to today's entries and exits of one segment (:class:`SegmentDay`), in the
    transaction that changed its membership, so the counts are exact; with both 0, only
    today's row is made (the day a segment's history starts)."""
    _count_add(SegmentDay, segment_id, entered=entered, exited=exited)


def _count_add(
    model: type[SegmentDay] | type[SegmentErasures], segment_id: int, **added: int
) -> None:
    """``UPDATE ... n = n + k`` on today's row of ``model`` for one segment, the row made first
    if the day has none: writers at once add up, none is lost."""
    day = day_of(clock.now())
    rows = model.objects.filter(segment_id=segment_id, day=day)
    change = {field: F(field) + n for field, n in added.items()}
    if rows.update(**change):
        return
    try:
        with transaction.atomic():
            model.objects.create(segment_id=segment_id, day=day, **added)
    except IntegrityError:  # another writer made today's row first: add to it
        rows.update(**change)


@transaction.atomic
def memberships_forget(contact_ids: Iterable[int] | QuerySet[Any]) -> None:
    """The memberships of contacts about to be deleted, gone without announcement: nothing
    may name an erased person, and a deleted contact takes no further part in any journey.
    They are counted (:class:`SegmentErasures`), so the segments' histories still add up: the
    rows are locked, then exactly those are deleted and counted."""
    ids = contact_ids if isinstance(contact_ids, QuerySet) else list(contact_ids)
    gone = list(
        SegmentMember.objects.select_for_update()
        .filter(contact_id__in=ids)
        .values_list("pk", "segment_id")
    )
    for chunk in _chunks([pk for pk, _segment in gone]):
        SegmentMember.objects.filter(pk__in=chunk).delete()
    for segment_id, n in sorted(Counter(segment for _pk, segment in gone).items()):
        _count_add(SegmentErasures, segment_id, count=n)
    SegmentRecheck.objects.filter(contact_id__in=ids).delete()


def memberships_merge(keep_id: int, gone_id: int) -> None:
    """Two contacts merged (``tendril.contacts.merging``): the person was already in the
    segments ``gone`` was in, so ``keep`` takes those memberships over silently (an entry
    announced again would alert and start journeys a second time for the same person). Where
    both were members, ``gone``'s row is deleted and counted like an erasure, so the
    segments' histories still add up. ``gone``'s rechecks are dropped: the merge's event
    re-evaluates ``keep`` in every dynamic segment, which plans ``keep``'s own."""
    theirs = list(
        SegmentMember.objects.select_for_update()
        .filter(contact_id=gone_id)
        .order_by("pk")
        .values_list("pk", "segment_id")
    )
    mine = set(
        SegmentMember.objects.filter(
            contact_id=keep_id, segment_id__in=[segment for _pk, segment in theirs]
        ).values_list("segment_id", flat=True)
    )
    doubled = [(pk, segment) for pk, segment in theirs if segment in mine]
    SegmentMember.objects.filter(pk__in=[pk for pk, _s in doubled]).delete()
    SegmentMember.objects.filter(contact_id=gone_id).update(contact_id=keep_id)
    for segment_id in sorted(segment for _pk, segment in doubled):
        _count_add(SegmentErasures, segment_id, count=1)
    SegmentRecheck.objects.filter(contact_id=gone_id).delete()
