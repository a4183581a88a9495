"""Merging two contacts proven to be one person: ``gone`` folds into ``keep`` and is deleted.

Nothing the person did is lost: every event of ``gone`` (and its visitor ids) now names
``keep``, so the timeline, segment filters and reports see one history. The apps above
contacts hold rows of their own per contact (scoring's ledger, segment memberships, buying
stages, alert notifications); contacts cannot import them, so each registers a merge hook
(:func:`contact_merge_hook`, from its AppConfig.ready()) that moves its rows inside the
merge's transaction. Consumers hear of the merge through the log: ``contacts_merged`` names
``keep`` and, being a system event, re-evaluates every segment for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.changes import actor_of, change_events, consent_event, user_name
from tendril.contacts.models import BulkAction, BulkJob, BulkStatus, Consent, Contact
from tendril.contacts.search import contact_search_apply
from tendril.contacts.services import consent_regrant_refused
from tendril.contacts.stages import stage_positions
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput, NotFound
from tendril.core.models import Event, EventSource, VisitorLink
from tendril.core.services import event_record

MERGED = "contacts_merged"

# Events repointed per UPDATE: a person with a long history never holds a huge statement.
EVENT_BATCH = 5000

# Fields where ``keep``'s value wins unless it is empty.
FILLED_FIELDS = ("first_name", "last_name", "phone", "source", "language", "company_id", "owner_id")

# A hook moves one app's rows of the contact ``gone_id`` to ``keep_id``; it runs inside the
# merge's transaction, with both contact rows locked and ``gone`` not yet deleted.
MergeHook = Callable[[int, int], None]

_hooks: dict[str, MergeHook] = {}


def contact_merge_hook(key: str, hook: MergeHook) -> None:
    """Add (or, with the same key, replace) what an app does when two contacts merge."""
    _hooks[key] = hook


def _locked_pair(keep_id: int, gone_id: int) -> tuple[Contact, Contact]:
    """Both rows locked in id order (as every multi-contact writer locks), so two merges of
    the same pair, either way round, wait for each other instead of deadlocking; the one
    that waited finds a contact gone and is refused."""
    rows = {
        c.pk: c
        for c in Contact.objects.select_for_update()
        .filter(pk__in=[keep_id, gone_id])
        .order_by("pk")
    }
    for pk in (keep_id, gone_id):
        if pk not in rows:
            raise NotFound(gettext("no contact with id %(id)s") % {"id": pk})
    return rows[keep_id], rows[gone_id]


def _being_erased(ids: set[int]) -> bool:
    """Whether a waiting or running bulk erasure names one of ``ids``: merging it would hand
    a person who asked to be forgotten a new home for their history."""
    jobs = BulkJob.objects.filter(
        action=BulkAction.ERASE, status__in=[BulkStatus.PENDING, BulkStatus.RUNNING]
    ).values_list("contact_ids", flat=True)
    return any(ids.intersection(chosen or []) for chosen in jobs)


def _events_move(gone_id: int, keep_id: int) -> int:
    """Every event of ``gone`` now names ``keep``, a batch at a time; returns how many."""
    moved = 0
    events = Event.objects.filter(contact_id=gone_id).order_by("pk").values_list("pk", flat=True)
    while batch := list(events[:EVENT_BATCH]):
        moved += Event.objects.filter(pk__in=batch).update(contact_id=keep_id)
    return moved


def _fields_fill(keep: Contact, gone: Contact) -> list[str]:
    """``keep``'s values, its empty ones filled from ``gone`` (custom fields key by key);
    the stage is the further along the funnel, the first seen the earlier, the last seen the
    later. Returns the names of the fields that changed (as ``contact_updated`` names them)."""
    changed = []
    for name in FILLED_FIELDS:
        if not getattr(keep, name) and getattr(gone, name):
            setattr(keep, name, getattr(gone, name))
            changed.append(name.removesuffix("_id"))
    fields = {**gone.fields, **{k: v for k, v in keep.fields.items() if v not in ("", None)}}
    if fields != keep.fields:
        keep.fields = fields
        changed.append("fields")
    rank = stage_positions()
    if rank.get(gone.stage, -1) > rank.get(keep.stage, -1):
        keep.stage = gone.stage
        changed.append("stage")
    keep.created_at = min(keep.created_at, gone.created_at)
    if gone.last_seen_at and (keep.last_seen_at is None or gone.last_seen_at > keep.last_seen_at):
        keep.last_seen_at = gone.last_seen_at
    return changed


def _consents_merge(keep: Contact, gone: Contact, *, by: Actor, method: str) -> None:
    """Per channel, the most recent decision of the two stands, except that an unsubscribe
    holds against a later grant the person did not give themselves (as in ``consent_set``);
    a status that changes for ``keep`` is told like any consent change."""
    mine = {c.channel: c for c in Consent.objects.filter(contact=keep)}
    for theirs in Consent.objects.filter(contact=gone):
        current = mine.get(theirs.channel)
        if current is not None:
            theirs_newer = theirs.given_at > current.given_at
            if theirs_newer and consent_regrant_refused(
                current, status=theirs.status, method=theirs.method
            ):
                continue
            if not theirs_newer and not consent_regrant_refused(
                theirs, status=current.status, method=current.method
            ):
                continue
        status_changed = current is None or current.status != theirs.status
        Consent.objects.update_or_create(
            contact=keep,
            channel=theirs.channel,
            defaults={
                "status": theirs.status,
                "given_at": theirs.given_at,
                "method": theirs.method,
                "note": theirs.note,
            },
        )
        if status_changed:
            kind, properties = consent_event(
                channel=theirs.channel,
                status=theirs.status,
                method=theirs.method,
                actor=actor_of(by, method=method),
            )
            event_record(contact_id=keep.pk, type=kind, properties=properties)


def merge_preview(*, keep: Contact, gone: Contact) -> dict[str, Any]:
    """What a merge would move, for the page that asks before it: ``gone``'s events."""
    return {"events": Event.objects.filter(contact_id=gone.pk).count()}


def contacts_merge(
    *, keep: Contact, gone: Contact, by: Actor, method: str = EventSource.API
) -> Contact:
    """Fold ``gone`` into ``keep`` (see the module's docstring) and delete ``gone``; returns
    ``keep`` as it is now. Refused: a contact with itself, a contact that no longer exists
    (a merge that raced another), a contact waiting for a bulk erasure."""
    if keep.pk == gone.pk:
        raise InvalidInput(gettext("a contact cannot be merged with itself"), field="contact_id")
    if _being_erased({keep.pk, gone.pk}):
        raise Conflict(
            gettext("one of these contacts is being erased: it cannot be merged"),
            field="contact_id",
        )
    actor = actor_of(by, method=method)
    with transaction.atomic():
        keep, gone = _locked_pair(keep.pk, gone.pk)
        previous_stage, previous_fields = keep.stage, dict(keep.fields)
        moved = _events_move(gone.pk, keep.pk)
        VisitorLink.objects.filter(contact_id=gone.pk).update(contact_id=keep.pk)
        changed = _fields_fill(keep, gone)
        contact_search_apply(keep)
        keep.updated_at = clock.now()
        keep.save()
        _consents_merge(keep, gone, by=by, method=method)
        for hook in _hooks.values():
            hook(keep.pk, gone.pk)
        gone_ref = {"id": gone.pk, "email": gone.email, "name": gone.full_name}
        gone.delete()
        event_record(
            contact_id=keep.pk,
            type=MERGED,
            properties={
                "gone": gone_ref,
                "events": moved,
                "by": method,
                **({"actor": actor} if actor is not None else {}),
            },
        )
        owner = keep.owner if "owner" in changed else None
        for kind, properties in change_events(
            changed=changed,
            previous_stage=previous_stage,
            stage=keep.stage,
            owner_email=owner.email if owner else None,
            owner_name=user_name(owner) if owner else None,
            previous_fields=previous_fields,
            fields=keep.fields,
            method=method,
            actor=actor,
        ):
            event_record(contact_id=keep.pk, type=kind, properties=properties)
        audit_record(
            actor=by,
            action="contact.merge",
            target_type="contact",
            target_id=keep.pk,
            detail={
                "keep": {"id": keep.pk, "email": keep.email},
                "gone": {"id": gone_ref["id"], "email": gone_ref["email"]},
                "events": moved,
            },
        )
    return keep
