"""Contacts: creating, updating, consent, custom fields and GDPR erasure (their companies are
found or made by ``tendril.contacts.companies``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext

from tendril.accounts.models import Role, User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.changes import (
    ActorRef,
    actor_of,
    change_events,
    changes_apply,
    consent_event,
    created_event,
    user_name,
)
from tendril.contacts.cleaning import (
    contact_clean,
    email_clean,
)
from tendril.contacts.companies import (
    companies_for_domains,
    company_resolve,
)
from tendril.contacts.freemail import email_domain
from tendril.contacts.membership import memberships_forget
from tendril.contacts.models import (
    DEFAULT_STAGE,
    OPT_IN_BY_PERSON,
    UNSUBSCRIBE,
    Consent,
    ConsentStatus,
    Contact,
    CustomField,
    FieldType,
    Suppression,
)
from tendril.contacts.search import (
    SEARCHED_FIELDS,
    company_names,
    contact_search_apply,
    contact_search_text,
)
from tendril.contacts.selectors import contact_ids_by_email
from tendril.contacts.stages import stage_keys, stage_positions
from tendril.core import clock
from tendril.core.bulk import insert_new_rows, insert_rows
from tendril.core.emails import email_fold
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event, EventSource, VisitorLink
from tendril.core.services import EVENT_COLUMNS, event_record, events_record
from tendril.ui.formatting import day

M = TypeVar("M", bound=models.Model)

# How a stage rule's change is recorded (``by`` of its events).
STAGE_RULE = "rule"

# Every column of a new contact row, for writers that bypass the ORM (event ingest, import).
NEW_CONTACT_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "source",
    "stage",
    "owner_id",
    "fields",
    "company_id",
    "score",
    "created_at",
    "updated_at",
    "language",
    "search_text",
)


def new_contact_row(
    email: str,
    values: Mapping[str, Any],
    *,
    source: str,
    company_id: int | None,
    company_name: str,
    at: Any,
) -> tuple[Any, ...]:
    """A new contact as a row in ``NEW_CONTACT_COLUMNS`` order: the cleaned ``values`` given,
    the defaults a new contact starts with for the rest (``at`` already adapted), and its
    search text (``company_name`` is the name of ``company_id``)."""
    first_name = values.get("first_name", "")
    last_name = values.get("last_name", "")
    phone = values.get("phone", "")
    return (
        email,
        first_name,
        last_name,
        phone,
        values.get("source", source),
        values.get("stage", DEFAULT_STAGE),
        values.get("owner"),
        values.get("fields", {}),
        company_id,
        0,
        at,
        at,
        values.get("language", ""),
        contact_search_text(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            company_name=company_name,
        ),
    )


# Event properties that never identify a person: kept when a contact is erased.
ANONYMOUS_PROPERTIES = frozenset(
    {"url", "title", "referrer", "form", "asset", "amount", "currency", "campaign", "path"}
)


def custom_field_definitions() -> dict[str, CustomField]:
    return {f.key: f for f in CustomField.objects.all()}


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise InvalidInput(
            gettext("no active user with id %(id)s") % {"id": owner_id}, field="owner"
        )
    return owner


class ConsentWithdrawn(Conflict):
    """Consent the person withdrew (they unsubscribed) that someone else tried to grant again."""


def consent_regrant_refused(current: Consent | None, *, status: str, method: str) -> bool:
    """Whether granting ``status`` by ``method`` would override the person's own unsubscribe.

    An unsubscribe holds until the person opts in again: only their own acts
    (``OPT_IN_BY_PERSON``: a form with the consent box ticked, a double opt-in confirmation,
    their preference centre) grant it back; an import, the API or a marketer's click do not."""
    return (
        current is not None
        and current.status == ConsentStatus.DENIED
        and current.method == UNSUBSCRIBE
        and status == ConsentStatus.GRANTED
        and method not in OPT_IN_BY_PERSON
    )


def consent_withdrawn_message(given_at: datetime) -> str:
    """What a marketer reads when their grant is refused (the date in their language)."""
    return gettext(
        "This person unsubscribed on %(date)s; only they can subscribe again "
        "(from their preference centre or a form)."
    ) % {"date": day(given_at)}


def consent_set(
    *,
    contact: Contact,
    channel: str,
    status: str,
    method: str,
    by: Actor,
    note: str = "",
) -> Consent | None:
    """Record permission for one channel; returns the row, or None when nothing changed.
    ``note`` says how it was given; for a form it is the form's name and the exact consent
    text the person agreed to, kept whole on the ``consent_changed`` event (the row keeps
    only its first 200 characters).

    The contact row is locked first, so two requests giving the same permission at once record
    one change (and one ``consent_changed``), not two. Granting consent the person withdrew is
    refused (``ConsentWithdrawn``) unless the person grants it (``consent_regrant_refused``)."""
    with transaction.atomic():
        list(Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk"))
        current = Consent.objects.filter(contact=contact, channel=channel).first()
        # The person's unsubscribe is recorded even over a denial someone else made, so that
        # it holds (``consent_regrant_refused``) from then on.
        withdrawn_now = method == UNSUBSCRIBE and current is not None and current.method != method
        if current is not None and current.status == status and not withdrawn_now:
            return None
        if consent_regrant_refused(current, status=status, method=method):
            assert current is not None
            raise ConsentWithdrawn(
                consent_withdrawn_message(current.given_at), field=f"consent.{channel}"
            )
        consent, _ = Consent.objects.update_or_create(
            contact=contact,
            channel=channel,
            defaults={
                "status": status,
                "given_at": clock.now(),
                "method": method,
                "note": note[:200],
            },
        )
        kind, properties = consent_event(
            channel=channel,
            status=status,
            method=method,
            actor=actor_of(by, method=method),
            note=note,
        )
        event_record(contact_id=contact.pk, type=kind, properties=properties)
        return consent


def _apply(contact: Contact, values: Mapping[str, Any]) -> list[str]:
    """Copy cleaned values onto ``contact`` (unsaved), the company included; returns the names
    that changed."""
    if "owner" in values:
        owner = _owner(values["owner"])
        values = {**values, "owner": owner.pk if owner else None}
    changed = changes_apply(contact, values)
    if "company" in values or ("email" in values and contact.company_id is None):
        company = company_resolve(email=contact.email, company=values.get("company"))
        if (company.pk if company else None) != contact.company_id:
            contact.company = company
            changed.append("company")
    if contact.pk is None or "email" in values or SEARCHED_FIELDS.intersection(changed):
        contact_search_apply(contact)
    return changed


def _consents_apply(contact: Contact, values: Mapping[str, Any], *, by: Actor, method: str) -> None:
    for channel, status in values.get("consent", {}).items():
        consent_set(contact=contact, channel=channel, status=status, method=method, by=by)


def _save_unique(contact: Contact) -> None:
    """Save, turning a concurrent writer's claim on the same email into a conflict (which an
    upsert turns into an update), never a 500."""
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        existing = (
            Contact.objects.filter(email=contact.email)
            .exclude(pk=contact.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is None:
            raise
        raise Conflict(
            gettext("a contact with this email already exists (id %(id)s)") % {"id": existing},
            field="email",
        ) from None


def contact_create(*, data: Mapping[str, Any], by: Actor, method: str = EventSource.API) -> Contact:
    """Create a contact; an email already present is a conflict naming the existing id."""
    values = contact_clean(data, custom_field_definitions(), partial=False)
    with transaction.atomic():
        existing = (
            Contact.objects.filter(email=values["email"]).values_list("pk", flat=True).first()
        )
        if existing is not None:
            raise Conflict(
                gettext("a contact with this email already exists (id %(id)s)") % {"id": existing},
                field="email",
            )
        return _create(values, by=by, method=method)


def _create(values: Mapping[str, Any], *, by: Actor, method: str) -> Contact:
    now = clock.now()
    contact = Contact(email=values["email"], created_at=now, updated_at=now)
    if "source" not in values:
        contact.source = method
    if "owner" not in values and isinstance(by, User) and by.role == Role.SALES:
        contact.owner = by
    _apply(contact, {**values, "company": values.get("company")})
    _save_unique(contact)
    kind, properties = created_event(source=contact.source, actor=actor_of(by, method=method))
    event_record(contact_id=contact.pk, type=kind, properties=properties)
    _consents_apply(contact, values, by=by, method=method)
    return contact


def contact_update(
    *, contact: Contact, data: Mapping[str, Any], by: Actor, method: str = EventSource.API
) -> Contact:
    """Change the given fields; an email change must not collide with another contact."""
    values = contact_clean(data, custom_field_definitions(), partial=True)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        previous_stage, previous_fields = contact.stage, contact.fields
        changed = []
        if "email" in values and values["email"] != contact.email:
            if Contact.objects.filter(email=values["email"]).exclude(pk=contact.pk).exists():
                raise Conflict(gettext("another contact already has this email"), field="email")
            contact.email = values["email"]
            changed.append("email")
        changed += _apply(contact, values)
        if changed:
            contact.updated_at = clock.now()
            _save_unique(contact)
        # The owner row is read only when the owner changed: most updates do not touch it.
        owner = contact.owner if "owner" in changed else None
        events = change_events(
            changed=changed,
            previous_stage=previous_stage,
            stage=contact.stage,
            owner_email=owner.email if owner else None,
            owner_name=user_name(owner) if owner else None,
            previous_fields=previous_fields,
            fields=contact.fields,
            method=method,
            actor=actor_of(by, method=method),
        )
        for kind, properties in events:
            event_record(contact_id=contact.pk, type=kind, properties=properties)
        _consents_apply(contact, values, by=by, method=method)
    return contact


def contacts_stage_promote(*, moves: Mapping[int, tuple[str, ActorRef]]) -> list[int]:
    """Move each contact of ``moves`` ({id: (stage, actor)}) to that stage when it is further
    along the funnel than the one the contact stands on: never back, never to a hidden stage.
    Returns the ids moved.

    The rows are locked in id order and compared under the lock, so two promotions of one
    contact at once (two events, two workers) move it once; each move records its
    ``contact_updated`` and ``stage_changed`` (``by: "rule"``, naming the actor) like any other
    stage change."""
    rank = stage_positions()
    offered = set(stage_keys())
    wanted = {pk: move for pk, move in moves.items() if move[0] in offered}
    if not wanted:
        return []
    with transaction.atomic():
        current = dict(
            Contact.objects.select_for_update()
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", "stage")
        )
        moved = [pk for pk, stage in current.items() if rank[wanted[pk][0]] > rank.get(stage, -1)]
        now = clock.now()
        for target in {wanted[pk][0] for pk in moved}:
            ids = [pk for pk in moved if wanted[pk][0] == target]
            Contact.objects.filter(pk__in=ids).update(stage=target, updated_at=now)
        events_record(
            (pk, kind, properties)
            for pk in moved
            for kind, properties in change_events(
                changed=["stage"],
                previous_stage=current[pk],
                stage=wanted[pk][0],
                owner_email=None,
                method=STAGE_RULE,
                actor=wanted[pk][1],
            )
        )
    return moved


def contact_upsert(
    *, data: Mapping[str, Any], by: Actor, method: str = EventSource.API
) -> tuple[Contact, bool]:
    """Create the contact, or update the one with the same email; says whether it was new."""
    email = email_clean(data.get("email"))
    existing = Contact.objects.filter(email=email).first()
    if existing is None:
        try:
            return contact_create(data=data, by=by, method=method), True
        except Conflict:  # created by someone else in between: fall through to the update
            existing = Contact.objects.get(email=email)
    body = {k: v for k, v in data.items() if k != "email"}
    return contact_update(contact=existing, data=body, by=by, method=method), False


def contacts_ensure_by_email(*, emails: Iterable[str], source: str, by: Actor) -> dict[str, int]:
    """Contact id per email, creating bare contacts for the unknown ones (event ingest).

    Exact under concurrency: the insert skips emails another transaction created meanwhile
    (``ON CONFLICT DO NOTHING``) and reports only the rows it really inserted, so each new
    contact gets exactly one ``contact_created`` event.
    """
    cleaned = {email_clean(e) for e in emails}
    found = contact_ids_by_email(emails=cleaned)
    missing = sorted(cleaned - found.keys())
    if missing:
        now = clock.now()
        companies = companies_for_domains(email_domain(e) for e in missing)
        company_of = {e: companies.get(email_domain(e)) for e in missing}
        names = company_names(company_of.values())
        at = connection.ops.adapt_datetimefield_value(now)
        created = dict(
            (email, pk)
            for pk, email in insert_new_rows(
                Contact,
                NEW_CONTACT_COLUMNS,
                [
                    new_contact_row(
                        e,
                        {},
                        source=source,
                        company_id=company_of[e],
                        company_name=names.get(company_of[e] or 0, ""),
                        at=at,
                    )
                    for e in missing
                ],
                unique=("email",),
            )
        )
        insert_rows(
            Event,
            EVENT_COLUMNS,
            [
                (cid, "", kind, properties, at, at, EventSource.SYSTEM)
                for cid in created.values()
                for kind, properties in [
                    created_event(source=source, actor=actor_of(by, method=source))
                ]
            ],
        )
        found.update(created)
        others = [e for e in missing if e not in created]
        found.update(contact_ids_by_email(emails=others))
    return found


def _rewrite_in_batches(
    rows: QuerySet[M], change: Callable[[M], object], *, fields: list[str], size: int = 2000
) -> int:
    """Apply ``change`` to every row and write ``fields`` back, one UPDATE batch per ``size``
    rows instead of one statement per row; returns how many rows were rewritten."""
    manager = rows.model._default_manager
    count = 0
    batch: list[M] = []
    for row in rows.iterator(chunk_size=size):
        change(row)
        batch.append(row)
        if len(batch) == size:
            count += manager.bulk_update(batch, fields)
            batch = []
    if batch:
        count += manager.bulk_update(batch, fields)
    return count


def _anonymise_event(event: Event) -> None:
    event.properties = {k: v for k, v in event.properties.items() if k in ANONYMOUS_PROPERTIES}
    event.contact_id = None
    event.visitor_id = ""


def email_hash(email: str) -> str:
    return hashlib.sha256(email_fold(email).encode()).hexdigest()


def contact_events_anonymise(*, contact_ids: Iterable[int] | QuerySet[Any]) -> None:
    """The event log's rule for people who go (erasure, the undo of an import): call it before
    the contacts are deleted. Their events stay, for aggregate reports, without anything that
    identifies them; their visitor ids are forgotten, and they leave every segment."""
    _rewrite_in_batches(
        Event.objects.filter(contact_id__in=contact_ids),
        _anonymise_event,
        fields=["properties", "contact_id", "visitor_id"],
    )
    VisitorLink.objects.filter(contact_id__in=contact_ids).delete()
    memberships_forget(contact_ids)


def contact_erase(*, contact: Contact, by: Actor) -> None:
    """GDPR erasure: the person is gone; their events stay, anonymised, for aggregate reports.

    The address goes on the suppression list as a hash, so it is never mailed again without
    the list itself holding it.
    """
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        contact_events_anonymise(contact_ids=[contact.pk])
        Suppression.objects.get_or_create(
            email_hash=email_hash(contact.email),
            defaults={"reason": "erased", "created_at": clock.now()},
        )
        contact_id = contact.pk
        contact.delete()
        audit_record(
            actor=by,
            action="contact.erase",
            target_type="contact",
            target_id=contact_id,
            detail={"email_hash": email_hash(contact.email)},
        )


KEY_MAX = CustomField._meta.get_field("key").max_length or 50


def custom_field_create(
    *, key: str, label: str, type: str, choices: list[str] | None = None, by: Actor
) -> CustomField:
    label = label.strip()
    if len(key) > KEY_MAX:
        raise InvalidInput(
            gettext("the key is longer than %(max)s characters") % {"max": KEY_MAX}, field="key"
        )
    # A key made from a long label is cut to fit the column.
    key = slugify(key or label).replace("-", "_")[:KEY_MAX].strip("_")
    if not label:
        raise InvalidInput(gettext("give the field a label"), field="label")
    if not key:
        raise InvalidInput(gettext("the key must have letters or digits"), field="key")
    if type not in FieldType.values:
        raise InvalidInput(
            gettext("type must be one of %(choices)s") % {"choices": ", ".join(FieldType.values)},
            field="type",
        )
    options = [c.strip() for c in (choices or []) if c.strip()]
    if type == FieldType.CHOICE and not options:
        raise InvalidInput(gettext("a choice field needs at least one choice"), field="choices")
    if CustomField.objects.filter(key=key).exists():
        raise Conflict(
            gettext("a custom field with the key '%(key)s' already exists") % {"key": key},
            field="key",
        )
    with transaction.atomic():
        definition = CustomField.objects.create(
            key=key,
            label=label,
            type=type,
            choices=options if type == FieldType.CHOICE else [],
            created_at=clock.now(),
        )
        audit_record(
            actor=by,
            action="custom_field.create",
            target_type="custom_field",
            target_id=key,
            detail={"type": type},
        )
    return definition


def custom_field_delete(*, definition: CustomField, by: Actor) -> int:
    """Delete a field and its values from every contact; returns how many contacts had one."""
    with transaction.atomic():
        count = _rewrite_in_batches(
            Contact.objects.filter(fields__has_key=definition.key),
            lambda contact: contact.fields.pop(definition.key, None),
            fields=["fields"],
        )
        audit_record(
            actor=by,
            action="custom_field.delete",
            target_type="custom_field",
            target_id=definition.key,
            detail={"label": definition.label, "values_removed": count},
        )
        definition.delete()
    return count
