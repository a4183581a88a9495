"""Writes of personas and buying stages: dimensions and their stages edited, a contact's stage
on a dimension set, personas described and tied to segments.

Checks live here so the API and the screens refuse the same mistakes with the same messages.
A contact's move is told on the event log (``buying_stage_changed``) in the same transaction,
so the timeline, segments and later journeys hear of exactly the moves that happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.changes import actor_of
from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput, NotFound
from tendril.core.models import EventSource
from tendril.core.naming import name_free, saved_or_conflict
from tendril.core.services import event_record
from tendril.core.text import search_fold
from tendril.personas.events import BUYING_STAGE_CHANGED
from tendril.personas.models import (
    BuyingStage,
    BuyingStageDimension,
    ContactBuyingStage,
    DimensionKind,
    Persona,
)
from tendril.personas.presets import PRESETS, preset_stage
from tendril.segments.models import Segment

MAX_NAME = 200
MAX_LABEL = 100
MAX_TEXT = 2000
MAX_STAGES = 30
MAX_GOALS = 20
MAX_GOAL = 200
MAX_SEGMENTS = 100
KEY_LENGTH = 50
PERSONA_FIELDS = frozenset({"name", "description", "goals", "dimension", "segments"})


def _text(
    raw: object, *, field: str, limit: int, required: str | None = None, strip: bool = True
) -> str:
    """Text as stored: trimmed, within ``limit``, without NUL (no column can store it);
    ``required`` is the message when it may not be empty."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise InvalidInput(_("%(field)s must be text.") % {"field": field}, field=field)
    text = raw.strip() if strip else raw
    if required is not None and not text:
        raise InvalidInput(required, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("%(field)s is at most %(n)s characters.") % {"field": field, "n": limit}, field=field
        )
    if "\x00" in text:
        raise InvalidInput(_("This text contains a character that cannot be stored."), field=field)
    return text


# --- dimensions and their stages ----------------------------------------------------------------


def _dimension_name_clean(raw: object, *, dimension_id: int | None = None) -> str:
    name = _text(raw, field="name", limit=MAX_NAME, required=_("Give the dimension a name."))
    others = BuyingStageDimension.objects.all()
    if dimension_id is not None:
        others = others.exclude(pk=dimension_id)
    if any(d.display_name.casefold() == name.casefold() for d in others):
        raise Conflict(
            _("There is already a dimension named '%(name)s'.") % {"name": name}, field="name"
        )
    return name


@transaction.atomic
def presets_ensure() -> None:
    """The preset dimensions and their stages, where missing. Migration 0002 creates them in
    every real database; a database a test emptied (a flush) gets them back here, so the demo
    and the screens never depend on which test ran before. Safe twice and concurrently: one
    preset row at most (a unique constraint), and its stages only with a new row."""
    now = clock.now()
    for preset in PRESETS.values():
        dimension, created = BuyingStageDimension.objects.get_or_create(
            preset=preset.key, defaults={"kind": preset.key, "created_at": now, "updated_at": now}
        )
        if created:
            BuyingStage.objects.bulk_create(
                BuyingStage(dimension=dimension, key=stage.key, position=position)
                for position, stage in enumerate(preset.stages, start=1)
            )


@transaction.atomic
def dimension_create(*, name: object, kind: object, by: Actor) -> BuyingStageDimension:
    """A new dimension, without stages yet (they are added one by one)."""
    if kind not in DimensionKind.values:
        raise InvalidInput(_("Choose B2B, B2C or custom."), field="kind")
    now = clock.now()
    dimension = BuyingStageDimension.objects.create(
        name=_dimension_name_clean(name), kind=str(kind), created_at=now, updated_at=now
    )
    audit_record(
        actor=by,
        action="buying_dimension.create",
        target_type="buying_dimension",
        target_id=dimension.pk,
        detail={"name": dimension.name, "kind": dimension.kind},
    )
    return dimension


def _locked(dimension: BuyingStageDimension) -> BuyingStageDimension:
    """The dimension's row locked: writers of its stage list (add, move, remove) go one at a
    time, so positions and keys stay unique. ``no_key``: moves of contacts on the dimension
    (whose foreign key checks share its row) go on meanwhile."""
    return BuyingStageDimension.objects.select_for_update(no_key=True).get(pk=dimension.pk)


@transaction.atomic
def dimension_rename(
    *, dimension: BuyingStageDimension, name: object, by: Actor
) -> BuyingStageDimension:
    """A new name; a preset renamed keeps that name in every language, and one given back its
    built-in name (in English or the reader's language) is translated again."""
    dimension = _locked(dimension)
    cleaned = _dimension_name_clean(name, dimension_id=dimension.pk)
    preset = PRESETS.get(dimension.preset)
    built_in = preset is not None and cleaned in (preset.name, gettext(preset.name))
    dimension.name = "" if built_in else cleaned
    dimension.updated_at = clock.now()
    dimension.save(update_fields=["name", "updated_at"])
    return dimension


def _new_key(dimension: BuyingStageDimension, label: str) -> str:
    """A key for a stage added by hand, from its label ("Đánh giá" → "danh-gia"), unique in
    its dimension; Thai and other non-Latin labels get "stage-<n>"."""
    base = slugify(search_fold(label))[: KEY_LENGTH - 4].strip("-") or "stage"
    taken = set(BuyingStage.objects.filter(dimension=dimension).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def stage_add(
    *, dimension: BuyingStageDimension, label: object, description: object = "", by: Actor
) -> BuyingStage:
    """A stage added after the dimension's last one."""
    dimension = _locked(dimension)
    label_text = _text(label, field="label", limit=MAX_LABEL, required=_("Give the stage a label."))
    stages = BuyingStage.objects.filter(dimension=dimension)
    if stages.count() >= MAX_STAGES:
        raise InvalidInput(
            _("A dimension has at most %(n)s stages.") % {"n": MAX_STAGES}, field="label"
        )
    if any(s.display_label.casefold() == label_text.casefold() for s in stages):
        raise Conflict(
            _("This dimension already has a stage named '%(label)s'.") % {"label": label_text},
            field="label",
        )
    last = stages.aggregate(last=Max("position"))["last"] or 0
    stage = BuyingStage.objects.create(
        dimension=dimension,
        key=_new_key(dimension, label_text),
        label=label_text,
        description=_text(description, field="description", limit=MAX_TEXT),
        position=last + 1,
    )
    dimension.updated_at = clock.now()
    dimension.save(update_fields=["updated_at"])
    return stage


@transaction.atomic
def stage_update(
    *, stage: BuyingStage, label: object, description: object, by: Actor
) -> BuyingStage:
    """A stage renamed or described anew; its key stays, so filters and the API keep working.
    A preset stage given its built-in words (or none) keeps them, translated for each reader."""
    _locked(stage.dimension)
    stage = BuyingStage.objects.select_related("dimension").get(pk=stage.pk)
    built_in = preset_stage(stage.dimension.preset, stage.key)
    label_text = _text(
        label,
        field="label",
        limit=MAX_LABEL,
        required=None if built_in else _("Give the stage a label."),
    )
    description_text = _text(description, field="description", limit=MAX_TEXT)
    if built_in is not None:
        if label_text in (built_in.label, gettext(built_in.label)):
            label_text = ""
        if description_text in (built_in.description, gettext(built_in.description)):
            description_text = ""
    shown = label_text or gettext(built_in.label if built_in else stage.key)
    others = BuyingStage.objects.filter(dimension=stage.dimension_id).exclude(pk=stage.pk)
    if any(s.display_label.casefold() == shown.casefold() for s in others):
        raise Conflict(
            _("This dimension already has a stage named '%(label)s'.") % {"label": shown},
            field="label",
        )
    stage.label = label_text
    stage.description = description_text
    stage.save(update_fields=["label", "description"])
    return stage


@transaction.atomic
def stage_move(*, stage: BuyingStage, step: int, by: Actor) -> BuyingStage:
    """The stage swapped with its neighbour before (``step`` -1) or after (+1) it; at either
    end nothing moves."""
    dimension = _locked(stage.dimension)
    ordered = list(BuyingStage.objects.filter(dimension=dimension).order_by("position", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == stage.pk)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(ordered):
        return ordered[index]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        row.position = position
    BuyingStage.objects.bulk_update(ordered, ["position"])
    return ordered[other]


@transaction.atomic
def stage_remove(*, stage: BuyingStage, by: Actor) -> None:
    """A stage nobody stands at removed; refused, with the count, while contacts stand there,
    and for a dimension's last stage. A contact moved onto it at the same moment makes the
    removal fail on the foreign key (``PROTECT``) with a Conflict: nobody is ever left at a
    missing stage."""
    dimension = _locked(stage.dimension)
    standing = ContactBuyingStage.objects.filter(stage=stage).count()
    if standing:
        raise Conflict(
            _("%(n)s contacts stand at %(stage)s; move them to another stage before removing it.")
            % {"n": standing, "stage": stage.display_label}
        )
    if BuyingStage.objects.filter(dimension=dimension).count() <= 1:
        raise Conflict(_("A dimension keeps at least one stage."))
    audit_record(
        actor=by,
        action="buying_stage.remove",
        target_type="buying_dimension",
        target_id=dimension.pk,
        detail={"key": stage.key, "label": stage.words},
    )
    _stage_reference_checked_now()
    with saved_or_conflict(
        _("A contact was just moved to this stage; try again after moving them."), field=None
    ):
        stage.delete()


# --- where a contact stands ---------------------------------------------------------------------


@cache
def _stage_foreign_key() -> str:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, ContactBuyingStage._meta.db_table
        )
    return next(
        name
        for name, constraint in constraints.items()
        if constraint["foreign_key"] and constraint["columns"] == ["stage_id"]
    )


def _stage_reference_checked_now() -> None:
    """Check "a contact stands at an existing stage" at each statement for the rest of this
    transaction, not at commit, where Django's PostgreSQL foreign keys wait by default.

    Then a move locks the stage's row when it writes (PostgreSQL's FOR KEY SHARE) and a removal
    finds it when it deletes: whichever comes second waits for the first and fails inside its
    service (a Conflict, or an unknown stage), never as a failed commit (a 500). SQLite runs
    one writer at a time and needs none of this."""
    if connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(_stage_foreign_key())
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {name} IMMEDIATE")


def _stage_of(dimension: BuyingStageDimension, key: object) -> BuyingStage | None:
    if key is None or key == "":
        return None
    found = (
        BuyingStage.objects.select_related("dimension").filter(dimension=dimension, key=key).first()
        if isinstance(key, str)
        else None
    )
    if found is None:
        raise unknown_stage(dimension, key, field="stage")
    return found


def unknown_stage(dimension: BuyingStageDimension, key: object, *, field: str) -> InvalidInput:
    """The error for a stage key the dimension does not have, listing the keys it has."""
    keys = ", ".join(dimension.stages.values_list("key", flat=True))
    return InvalidInput(
        _("%(dimension)s has no stage '%(key)s'; use one of %(keys)s.")
        % {"dimension": dimension.display_name, "key": str(key)[:50], "keys": keys},
        field=field,
    )


def contact_buying_stage_set(
    *,
    contact: Contact,
    dimension: BuyingStageDimension,
    stage: object,
    by: Actor,
    method: str = EventSource.API,
) -> ContactBuyingStage | None:
    """Put the contact at ``stage`` (a stage key) on ``dimension``, or nowhere on it (``None``
    or ""); returns where they stand now. A move records ``buying_stage_changed``; setting the
    stage they already stand at records nothing.

    The contact's row is locked first, so two moves at once go one after the other: each
    event's ``from`` is the stage the other left, and the unique (contact, dimension) row is
    written once."""
    target = _stage_of(dimension, stage)
    with transaction.atomic():
        if not Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk"):
            raise NotFound(_("no contact with id %(id)s") % {"id": contact.pk})
        current = (
            ContactBuyingStage.objects.select_related("stage__dimension")
            .filter(contact=contact, dimension=dimension)
            .first()
        )
        before = current.stage if current else None
        if (before.pk if before else None) == (target.pk if target else None):
            return current
        if target is None:
            assert current is not None
            current.delete()
            placed = None
        else:
            _stage_reference_checked_now()
            try:
                placed, _created = ContactBuyingStage.objects.update_or_create(
                    contact=contact,
                    dimension=dimension,
                    defaults={"stage": target, "changed_at": clock.now()},
                )
            except IntegrityError:  # the stage was removed a moment ago
                raise unknown_stage(dimension, target.key, field="stage") from None
        properties = change_properties(
            dimension=dimension, before=before, after=target, method=method, by=by
        )
        event_record(contact_id=contact.pk, type=BUYING_STAGE_CHANGED, properties=properties)
        return placed


def change_properties(
    *,
    dimension: BuyingStageDimension,
    before: BuyingStage | None,
    after: BuyingStage | None,
    method: str,
    by: Actor,
) -> dict[str, Any]:
    """The properties of ``buying_stage_changed``: the stage keys, the words to tell them by
    (see ``tendril.personas.events``), how it was done and who did it."""
    properties: dict[str, Any] = {
        "dimension": dimension.pk,
        "dimension_name": dimension.words,
        "from": before.key if before else None,
        "from_label": before.words if before else None,
        "to": after.key if after else None,
        "to_label": after.words if after else None,
        "by": method,
    }
    actor = actor_of(by, method=method)
    if actor is not None:
        properties["actor"] = actor
    return properties


# --- personas -----------------------------------------------------------------------------------


def _persona_name_clean(raw: object, *, persona_id: int | None = None) -> str:
    name = _text(raw, field="name", limit=MAX_NAME, required=_("Give the persona a name."))
    name_free(Persona.objects.all(), name, pk=persona_id, taken=_persona_taken(name))
    return name


def _persona_taken(name: str) -> str:
    return _("There is already a persona named '%(name)s'.") % {"name": name}


def _goals_clean(raw: object) -> list[str]:
    """Short texts, one goal each; empty ones dropped, so a form's blank lines do not count."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidInput(_("goals must be a list of short texts."), field="goals")
    goals = [_text(item, field="goals", limit=MAX_GOAL) for item in raw]
    goals = [goal for goal in goals if goal]
    if len(goals) > MAX_GOALS:
        raise InvalidInput(
            _("A persona has at most %(n)s goals.") % {"n": MAX_GOALS}, field="goals"
        )
    return goals


def _dimension_clean(raw: object) -> BuyingStageDimension:
    dimension = (
        BuyingStageDimension.objects.filter(pk=raw).first()
        if isinstance(raw, int) and not isinstance(raw, bool)
        else None
    )
    if dimension is None:
        raise InvalidInput(
            _("Choose the buying-stage dimension this persona moves through."), field="dimension"
        )
    return dimension


def _segments_clean(raw: object) -> list[Segment]:
    if raw is None:
        return []
    if not isinstance(raw, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in raw):
        raise InvalidInput(_("segments must be a list of segment ids."), field="segments")
    ids = sorted(set(raw))
    if len(ids) > MAX_SEGMENTS:
        raise InvalidInput(
            _("A persona is tied to at most %(n)s segments.") % {"n": MAX_SEGMENTS},
            field="segments",
        )
    found = {s.pk: s for s in Segment.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(_("There is no segment %(id)s.") % {"id": missing[0]}, field="segments")
    return [found[i] for i in ids]


def _persona_values(data: Mapping[str, Any], *, persona_id: int | None) -> dict[str, Any]:
    unknown = sorted(set(data) - PERSONA_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field '%(name)s'") % {"name": unknown[0]}, field=unknown[0])
    cleaners = {
        "name": lambda v: _persona_name_clean(v, persona_id=persona_id),
        "description": lambda v: _text(v, field="description", limit=MAX_TEXT),
        "goals": _goals_clean,
        "dimension": _dimension_clean,
        "segments": _segments_clean,
    }
    return {name: cleaners[name](value) for name, value in data.items()}


@transaction.atomic
def persona_create(*, data: Mapping[str, Any], by: Actor) -> Persona:
    """A new persona; ``name`` and ``dimension`` are required."""
    values = _persona_values({"name": None, "dimension": None, **data}, persona_id=None)
    segments = values.pop("segments", [])
    now = clock.now()
    with saved_or_conflict(_persona_taken(values["name"]), field="name"):
        persona = Persona.objects.create(
            **values,
            created_by=by if isinstance(by, User) else None,
            created_at=now,
            updated_at=now,
        )
    persona.segments.set(segments)
    return persona


@transaction.atomic
def persona_update(*, persona: Persona, data: Mapping[str, Any], by: Actor) -> Persona:
    """The given fields changed; the others kept."""
    persona = Persona.objects.select_for_update().get(pk=persona.pk)
    values = _persona_values(data, persona_id=persona.pk)
    segments = values.pop("segments", None)
    for name, value in values.items():
        setattr(persona, name, value)
    persona.updated_at = clock.now()
    with saved_or_conflict(_persona_taken(persona.name), field="name"):
        persona.save()
    if segments is not None:
        persona.segments.set(segments)
    return persona


@transaction.atomic
def persona_delete(*, persona: Persona, by: Actor) -> None:
    """Deleted, with what it said kept in the audit log; its segments and contacts stay."""
    audit_record(
        actor=by,
        action="persona.delete",
        target_type="persona",
        target_id=persona.pk,
        detail={
            "name": persona.name,
            "description": persona.description,
            "goals": persona.goals,
            "dimension": persona.dimension_id,
            "segments": sorted(persona.segments.values_list("pk", flat=True)),
        },
    )
    persona.delete()


def buying_stages_merge(keep_id: int, gone_id: int) -> None:
    """Two contacts merged (``tendril.contacts.merging``): on each dimension ``keep`` stands
    at the further along of the two stages (``gone``'s row, and its date, when that is
    ``gone``'s); ``gone``'s rows go before ``gone`` does."""
    mine = {
        row.dimension_id: row
        for row in ContactBuyingStage.objects.select_related("stage").filter(contact_id=keep_id)
    }
    for theirs in ContactBuyingStage.objects.select_related("stage").filter(contact_id=gone_id):
        current = mine.get(theirs.dimension_id)
        if current is not None and current.stage.position >= theirs.stage.position:
            theirs.delete()
            continue
        if current is not None:
            current.delete()
        theirs.contact_id = keep_id
        theirs.save(update_fields=["contact"])
