"""Writes of web forms: forms (what they ask, checked when saved), submissions (a contact made or
updated, ``form_submit`` recorded as the visitor, so their anonymous history joins them), and
consent given by double opt-in (a confirmation email with a signed link, then the consent with
the exact text the person agreed to).

Spam never reaches the contacts: a filled honeypot, a form sent back faster than a person can
type, or a flood from one address is answered like a success and stores nothing, so a robot
learns nothing from the answer.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.cleaning import email_clean
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.models import Channel, ConsentStatus, Contact, CustomField
from tendril.contacts.services import consent_set, contact_upsert
from tendril.core import clock
from tendril.core.errors import Conflict, DomainError, InvalidInput
from tendril.core.limits import over_per_minute
from tendril.core.models import EventSource
from tendril.tracking.services import UTM_KEYS, VISITOR
from tendril.web.assets import download_token
from tendril.web.models import Asset, Form, FormConsent, LandingPage, LandingVisit

MAX_NAME = 200
MAX_FIELDS = 30
MAX_LABEL = 200
MAX_OPTIONS = 50
MAX_TEXT = 2000
MAX_CONSENT_TEXT = 2000
CONTACT_KEYS = ("email", "first_name", "last_name", "phone", "company")
TYPES = ("text", "email", "tel", "textarea", "select", "checkbox", "hidden")
CUSTOM = "fields."
# A person needs a few seconds to fill a form; a robot posts it at once.
MIN_SECONDS = 2
# Submissions of one form from one address per minute before it is a flood.
MAX_PER_MINUTE = 10
CONFIRM_SALT = "tendril.web.consent"
CONFIRM_MAX_AGE = timedelta(days=7)
_KEY = re.compile(r"^[a-z0-9_]{1,50}$")


# --- forms -------------------------------------------------------------------------------------


def _name_clean(raw: object, *, form_id: int | None) -> str:
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        raise InvalidInput(_("Give the form a name."), field="name")
    if len(name) > MAX_NAME or "\x00" in name:
        raise InvalidInput(_("A form's name is at most 200 characters."), field="name")
    taken = Form.objects.filter(name__iexact=name)
    if form_id is not None:
        taken = taken.exclude(pk=form_id)
    if taken.exists():
        raise Conflict(
            _("There is already a form named '%(name)s'.") % {"name": name}, field="name"
        )
    return name


def _field_clean(raw: object, path: str, custom: Mapping[str, CustomField]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput(_("A field is an object with key, label and type."), field=path)
    key = raw.get("key")
    if not isinstance(key, str) or not (
        key in CONTACT_KEYS
        or key in UTM_KEYS
        or (key.startswith(CUSTOM) and key.removeprefix(CUSTOM) in custom)
    ):
        raise InvalidInput(
            _("'%(key)s' is not a contact field a form can fill.") % {"key": str(key)[:60]},
            field=f"{path}.key",
        )
    kind = raw.get("type", "email" if key == "email" else "text")
    if kind not in TYPES:
        raise InvalidInput(
            _("A field's type is one of %(types)s.") % {"types": ", ".join(TYPES)},
            field=f"{path}.type",
        )
    if key in UTM_KEYS:
        kind = "hidden"
    label = raw.get("label", "")
    if not isinstance(label, str) or len(label) > MAX_LABEL or "\x00" in label:
        raise InvalidInput(_("A label is a text of at most 200 characters."), field=f"{path}.label")
    if kind != "hidden" and not label.strip():
        raise InvalidInput(_("Give the field a label."), field=f"{path}.label")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise InvalidInput(_("required is true or false."), field=f"{path}.required")
    cleaned: dict[str, Any] = {
        "key": key,
        "label": label.strip(),
        "type": kind,
        "required": required,
    }
    if kind == "select":
        options = raw.get("options")
        if (
            not isinstance(options, list)
            or not 1 <= len(options) <= MAX_OPTIONS
            or not all(isinstance(o, str) and o.strip() and len(o) <= MAX_LABEL for o in options)
        ):
            raise InvalidInput(
                _("A list field needs 1 to %(n)s options.") % {"n": MAX_OPTIONS},
                field=f"{path}.options",
            )
        cleaned["options"] = [o.strip() for o in options]
    return cleaned


def _fields_clean(raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(_("A form needs at least its email field."), field="fields")
    if len(raw) > MAX_FIELDS:
        raise InvalidInput(
            _("A form has at most %(n)s fields.") % {"n": MAX_FIELDS}, field="fields"
        )
    custom = {c.key: c for c in CustomField.objects.all()}
    cleaned = [_field_clean(f, f"fields[{i}]", custom) for i, f in enumerate(raw)]
    keys = [f["key"] for f in cleaned]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise InvalidInput(
                _("The form asks for '%(key)s' twice.") % {"key": key}, field=f"fields[{i}].key"
            )
    if "email" not in keys:
        raise InvalidInput(
            _("A form needs an email field: it is who the person is."), field="fields"
        )
    email = cleaned[keys.index("email")]
    email["required"], email["type"] = True, "email"
    return cleaned


def _url_clean(raw: object) -> str:
    url = raw.strip() if isinstance(raw, str) else ""
    if url and (urlsplit(url).scheme not in ("http", "https") or len(url) > 2000):
        raise InvalidInput(
            _("The address to go to is an http or https address."), field="redirect_url"
        )
    return url


def _text_clean(raw: object, name: str, limit: int) -> str:
    text = raw if isinstance(raw, str) else ""
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(_("This text is at most %(n)s characters.") % {"n": limit}, field=name)
    return text.strip()


def _form_values(data: Mapping[str, Any], *, form_id: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = _name_clean(data["name"], form_id=form_id)
    if "fields" in data:
        values["fields"] = _fields_clean(data["fields"])
    if "consent_text" in data:
        values["consent_text"] = _text_clean(data["consent_text"], "consent_text", MAX_CONSENT_TEXT)
    if "thank_you" in data:
        values["thank_you"] = _text_clean(data["thank_you"], "thank_you", MAX_TEXT)
    if "redirect_url" in data:
        values["redirect_url"] = _url_clean(data["redirect_url"])
    if "asset" in data:
        values["asset"] = _asset_clean(data["asset"])
    if "double_opt_in" in data:
        if not isinstance(data["double_opt_in"], bool):
            raise InvalidInput(_("double_opt_in is true or false."), field="double_opt_in")
        values["double_opt_in"] = data["double_opt_in"]
    return values


def _asset_clean(raw: object) -> Asset | None:
    if raw is None:
        return None
    asset = (
        Asset.objects.filter(pk=raw).first()
        if isinstance(raw, int) and not isinstance(raw, bool)
        else None
    )
    if asset is None:
        raise InvalidInput(_("There is no file %(id)s to give away.") % {"id": raw}, field="asset")
    return asset


def _opt_in_check(form: Form) -> None:
    if form.double_opt_in and not form.consent_text:
        raise InvalidInput(
            _("Double opt-in confirms a consent: write the consent text."), field="consent_text"
        )


@transaction.atomic
def form_create(*, data: Mapping[str, Any], by: Actor) -> Form:
    """A new form with a fresh public key; ``name`` and ``fields`` are required."""
    values = _form_values({"name": None, "fields": None, **data}, form_id=None)
    now = clock.now()
    form = Form(
        **values,
        key=secrets.token_urlsafe(9),
        created_by=by if isinstance(by, User) else None,
        created_at=now,
        updated_at=now,
    )
    _opt_in_check(form)
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        raise Conflict(
            _("There is already a form named '%(name)s'.") % {"name": values["name"]}, field="name"
        ) from None
    audit_record(
        actor=by,
        action="form.create",
        target_type="form",
        target_id=form.pk,
        detail={"name": form.name},
    )
    return form


@transaction.atomic
def form_update(*, form: Form, data: Mapping[str, Any], by: Actor) -> Form:
    form = Form.objects.select_for_update().get(pk=form.pk)
    given = form.asset_id
    for name, value in _form_values(data, form_id=form.pk).items():
        setattr(form, name, value)
    if given is not None and form.asset_id != given:
        _file_still_offered(form, given)
    _opt_in_check(form)
    form.updated_at = clock.now()
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        raise Conflict(
            _("There is already a form named '%(name)s'.") % {"name": form.name}, field="name"
        ) from None
    audit_record(
        actor=by,
        action="form.update",
        target_type="form",
        target_id=form.pk,
        detail={"name": form.name},
    )
    return form


def _file_still_offered(form: Form, asset_id: int) -> None:
    """A form that stops giving its file: refused while a landing page's file block shows that
    file through this form (no other form gives it), or the block would quietly show nothing."""
    # Imported here, as in form_delete: the selectors read the blocks.
    from tendril.web.selectors import pages_using

    if Form.objects.filter(asset_id=asset_id).exclude(pk=form.pk).exists():
        return
    asset = Asset.objects.filter(pk=asset_id).first()
    pages = pages_using(asset=asset) if asset is not None else []
    if pages:
        raise Conflict(
            ngettext(
                "The landing page %(pages)s offers this form's file: take the file off the page "
                "first.",
                "The landing pages %(pages)s offer this form's file: take the file off them first.",
                len(pages),
            )
            % {"pages": _page_names(pages)},
            field="asset",
        )


def _page_names(pages: list[LandingPage]) -> str:
    return ", ".join(page.name for page in pages)


def form_in_use_message(pages: list[LandingPage]) -> str:
    """Why a form shown on landing pages cannot be deleted, naming them."""
    return ngettext(
        "This form is on the landing page %(pages)s: take it off the page first.",
        "This form is on the landing pages %(pages)s: take it off them first.",
        len(pages),
    ) % {"pages": _page_names(pages)}


def asset_in_use_message(pages: list[LandingPage]) -> str:
    """Why a file shown on landing pages cannot be deleted, naming them."""
    return ngettext(
        "This file is on the landing page %(pages)s: take it off the page first.",
        "This file is on the landing pages %(pages)s: take it off them first.",
        len(pages),
    ) % {"pages": _page_names(pages)}


@transaction.atomic
def form_delete(*, form: Form, by: Actor) -> None:
    """The form goes (its page and key stop working); what was submitted stays with the
    contacts. Refused (Conflict) while a landing page's draft or published blocks show it, so
    no block silently disappears. The form's row is locked first; a page saving this form at
    the same moment locks it too (``landing``), so one of the two waits and sees the other."""
    # Imported here: the selectors read the blocks, whose form block draws forms with us.
    from tendril.web.selectors import pages_using

    locked = Form.objects.select_for_update().filter(pk=form.pk).first()
    if locked is None:
        return
    pages = pages_using(form=locked)
    if pages:
        raise Conflict(form_in_use_message(pages), field="form")
    audit_record(
        actor=by,
        action="form.delete",
        target_type="form",
        target_id=form.pk,
        detail={"name": form.name, "fields": form.fields},
    )
    form.delete()


# --- submissions -------------------------------------------------------------------------------


def render_token() -> str:
    """The signed moment a form was shown, sent back with it (the timing check)."""
    return signing.TimestampSigner(salt="tendril.web.shown").sign(str(clock.now().timestamp()))


def _typed_too_fast(token: object) -> bool:
    """Whether a browser form came back faster than a person types (or with a forged or
    missing moment)."""
    if not isinstance(token, str):
        return True
    try:
        shown = float(signing.TimestampSigner(salt="tendril.web.shown").unsign(token))
    except (signing.BadSignature, ValueError):
        return True
    return clock.now().timestamp() - shown < MIN_SECONDS


@dataclass
class Submission:
    """What a visitor sent: the form's fields by key, the consent box, and where from."""

    values: Mapping[str, Any]
    consent: bool = False
    visitor: str = ""
    page: str = ""
    ip: str = ""
    browser: bool = True  # a browser's form post (timing checked), not a JSON integration
    honeypot: str = ""
    shown: object = None
    language: str = ""
    # The slug of the landing page the form was sent from (its inline form says so).
    landing: str = ""


@dataclass
class Outcome:
    contact: Contact | None
    errors: dict[str, str] = field(default_factory=dict)
    spam: bool = False
    confirmation_sent: bool = False
    # Gated content: the signed link to the form's file, for the person who filled it.
    download: str = ""


def _value(spec: Mapping[str, Any], raw: object) -> tuple[Any, str | None]:
    """One field's value as typed, or the message saying what is wrong with it."""
    if spec["type"] == "checkbox":
        return raw in ("on", "true", "1", True, "yes"), None
    text = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
    if not text:
        return None, _("This field is required.") if spec["required"] else None
    if len(text) > MAX_TEXT or "\x00" in text:
        return None, _("This is too long.")
    if spec["type"] == "select" and text not in spec.get("options", []):
        return None, _("Choose one of the options.")
    return text, None


def _contact_data(form: Form, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    custom: dict[str, Any] = {}
    for spec in form.fields:
        value, error = _value(spec, values.get(spec["key"]))
        if value is not None and spec["key"] == "email":
            try:
                value = email_clean(value)
            except DomainError as invalid:
                error = invalid.message
        if error:
            errors[spec["key"]] = error
        elif value is None or spec["key"] in UTM_KEYS:
            continue
        elif spec["key"].startswith(CUSTOM):
            custom[spec["key"].removeprefix(CUSTOM)] = value
        elif spec["key"] == "company":
            data["company"] = {"name": value}
        else:
            data[spec["key"]] = value
    if custom:
        data["fields"] = custom
    return data, errors


def form_submit(*, form: Form, submission: Submission) -> Outcome:
    """A visitor's submission: checked field by field (messages in the visitor's language),
    the contact made or updated, ``form_submit`` recorded as the visitor (their anonymous
    history joins the contact), and the consent given, at once or after confirmation."""
    if (
        submission.honeypot
        or (submission.browser and _typed_too_fast(submission.shown))
        or over_per_minute(f"form:{form.pk}:{submission.ip}", MAX_PER_MINUTE)
    ):
        return Outcome(contact=None, spam=True)
    data, errors = _contact_data(form, submission.values)
    if errors:
        return Outcome(contact=None, errors=errors)
    consented = bool(form.consent_text) and submission.consent
    utm = {k: str(submission.values[k])[:200] for k in UTM_KEYS if submission.values.get(k)}
    with transaction.atomic():
        if not Contact.objects.filter(email__iexact=str(data.get("email", ""))).exists():
            data["source"] = f"form: {form.name}"[:100]
            if submission.language in ("en", "vi", "th"):
                data["language"] = submission.language
        try:
            contact, _created = contact_upsert(data=data, by=None, method=EventSource.TRACKING)
        except DomainError as error:
            return Outcome(
                contact=None, errors={(error.field or "email").split(".")[0]: error.message}
            )
        properties: dict[str, Any] = {"form": form.name, "form_id": form.pk, **utm}
        if submission.page:
            properties["url"] = submission.page[:2000]
        landing = landing_visit_convert(slug=submission.landing, visitor=submission.visitor)
        if landing is not None:
            properties["landing_page"] = landing.pk
        events_ingest(
            items=[
                NewEvent(
                    type="form_submit",
                    properties=properties,
                    contact_id=contact.pk,
                    visitor_id=submission.visitor,
                )
            ],
            source=EventSource.TRACKING,
        )
        sent = False
        if consented and form.double_opt_in:
            request = FormConsent.objects.create(
                form=form,
                contact_id=contact.pk,
                email=contact.email,
                language=contact.language or submission.language or "",
                consent_text=form.consent_text,
                requested_at=clock.now(),
            )
            confirmation_send_soon(request.pk)
            sent = True
        elif consented:
            FormConsent.objects.create(
                form=form,
                contact_id=contact.pk,
                email=contact.email,
                language=contact.language or submission.language or "",
                consent_text=form.consent_text,
                requested_at=clock.now(),
                confirmed_at=clock.now(),
            )
            consent_set(
                contact=contact,
                channel=Channel.EMAIL,
                status=ConsentStatus.GRANTED,
                method="form",
                by=None,
                note=f"{form.name}: {form.consent_text}",
            )
    download = (
        download_token(form.asset, contact_id=contact.pk, visitor=submission.visitor)
        if form.asset
        else ""
    )
    return Outcome(contact=contact, confirmation_sent=sent, download=download)


def landing_visit_convert(
    *, slug: str, visitor: str, at: datetime | None = None
) -> LandingPage | None:
    """A form sent from the published landing page ``slug`` by the browser ``visitor``: their
    visit of the page counts as converted from now (the first time only), made if their view
    was not recorded (a view cut short). The page, or None when the form was not sent from
    one or nobody knows the visitor. ``at``: when, for a form replayed after the fact (the
    demo); now otherwise."""
    if not slug or not VISITOR.match(visitor):
        return None
    page = LandingPage.objects.filter(slug=slug, published_at__isnull=False).first()
    if page is None:
        return None
    now = at or clock.now()
    LandingVisit.objects.bulk_create(
        [LandingVisit(page=page, visitor_id=visitor, first_seen=now)], ignore_conflicts=True
    )
    LandingVisit.objects.filter(page=page, visitor_id=visitor, converted_at__isnull=True).update(
        converted_at=now
    )
    return page


def confirmation_send_soon(request_id: int) -> None:
    """Send the confirmation email after the commit (the task imports us, so imported late)."""
    from tendril.core.tasks import enqueue
    from tendril.web.tasks import confirmation_send

    enqueue(confirmation_send, request_id=request_id)


def confirm_token(request: FormConsent) -> str:
    """The signed part of the confirmation link: which request, for whom."""
    return signing.dumps({"r": request.pk, "c": request.contact_id}, salt=CONFIRM_SALT)


class LinkRefused(DomainError):
    status = 400


def consent_confirm(*, token: str) -> FormConsent:
    """The person clicked the link in the confirmation email: their email consent is granted
    with the text they agreed to (once: a second click changes nothing). A tampered, foreign or
    expired link is refused."""
    try:
        said = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(_("This confirmation link has expired: fill the form again.")) from None
    except signing.BadSignature:
        raise LinkRefused(_("This confirmation link is not valid.")) from None
    with transaction.atomic():
        request = (
            FormConsent.objects.select_for_update()
            .filter(pk=said.get("r"), contact_id=said.get("c"))
            .first()
        )
        contact = Contact.objects.filter(pk=said.get("c")).first() if request else None
        if request is None or contact is None:
            raise LinkRefused(_("This confirmation link is not valid."))
        if request.confirmed_at is None:
            request.confirmed_at = clock.now()
            request.save(update_fields=["confirmed_at"])
            name = request.form.name if request.form else ""
            consent_set(
                contact=contact,
                channel=Channel.EMAIL,
                status=ConsentStatus.GRANTED,
                method="double opt-in",
                by=None,
                note=f"{name}: {request.consent_text}",
            )
        return request
