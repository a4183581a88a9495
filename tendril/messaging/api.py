"""Emails in the REST API: ``/api/v1/emails`` (templates: list, make, read, change, delete),
``/api/v1/emails/{id}/preview`` (personalised for a contact) and ``/api/v1/emails/{id}/test``
(one test copy through the mail server). Every role reads; admins and marketers write and send
tests. A template error is 422 naming the field (``subject``, ``html``, ``text``) and its line."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.contacts.models import Contact
from tendril.contacts.selectors import contact_get_for
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.messaging import selectors, services
from tendril.messaging.models import Email

router = Router(tags=["Emails"])

Lang = Literal["en", "vi", "th"]
FOR_CONTACT = "Personalise for this contact (a made-up sample person if none)."


class EmailIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    subject: str = Field(
        ...,
        max_length=services.MAX_SUBJECT,
        description="A Jinja2 template, e.g. \"News for {{ contact.first_name|default('you') }}\".",
    )
    html: str = Field("", max_length=services.MAX_BODY, description="A Jinja2 HTML template.")
    text: str = Field(
        "", max_length=services.MAX_BODY, description="Made from the HTML when empty."
    )
    from_email: str = Field("", max_length=254, description="TENDRIL_FROM_EMAIL when empty.")
    from_name: str = Field("", max_length=services.MAX_FROM_NAME)
    language: Lang | None = None


class EmailPatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    subject: str | None = Field(None, max_length=services.MAX_SUBJECT)
    html: str | None = Field(None, max_length=services.MAX_BODY)
    text: str | None = Field(None, max_length=services.MAX_BODY)
    from_email: str | None = Field(None, max_length=254)
    from_name: str | None = Field(None, max_length=services.MAX_FROM_NAME)
    language: Lang | None = None


class EmailOut(Schema):
    id: int
    name: str
    subject: str
    html: str
    text: str
    from_email: str
    from_name: str
    language: str | None
    created_at: str
    updated_at: str


class EmailList(Schema):
    count: int
    items: list[EmailOut]


class PreviewIn(BodySchema):
    contact: int | None = Field(None, description=FOR_CONTACT)


class PreviewOut(Schema):
    subject: str
    html: str
    text: str


class TestIn(BodySchema):
    to: str = Field(..., max_length=254)
    contact: int | None = Field(None, description=FOR_CONTACT)


class TestOut(Schema):
    to: str
    subject: str
    message_id: str
    contact: int | None


def email_out(email: Email) -> dict[str, Any]:
    return {
        "id": email.pk,
        "name": email.name,
        "subject": email.subject,
        "html": email.html,
        "text": email.text,
        "from_email": email.from_email,
        "from_name": email.from_name,
        "language": email.language or None,
        "created_at": email.created_at.isoformat(),
        "updated_at": email.updated_at.isoformat(),
    }


def _contact(request: AuthedRequest, contact_id: int | None) -> Contact | None:
    return None if contact_id is None else contact_get_for(request.auth, contact_id)


@router.get("/emails", response={200: EmailList, **ERRORS}, summary="List emails")
def email_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.email_list(), params, email_out)


@router.post("/emails", response={201: EmailOut, **ERRORS}, summary="Write an email")
def email_post(request: AuthedRequest, payload: EmailIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    email = services.email_create(data=payload.model_dump(), by=request.auth)
    return Status(201, email_out(email))


@router.get("/emails/{int:email_id}", response={200: EmailOut, **ERRORS})
def email_get(request: AuthedRequest, email_id: int) -> dict[str, Any]:
    return email_out(selectors.email_get_for(request.auth, email_id))


@router.patch("/emails/{int:email_id}", response={200: EmailOut, **ERRORS})
def email_patch(request: AuthedRequest, email_id: int, payload: EmailPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    email = selectors.email_get_for(request.auth, email_id)
    data = payload.model_dump(exclude_unset=True)
    return email_out(services.email_update(email=email, data=data, by=request.auth))


@router.delete("/emails/{int:email_id}", response={204: None, **ERRORS})
def email_remove(request: AuthedRequest, email_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.email_delete(email=selectors.email_get_for(request.auth, email_id), by=request.auth)
    return Status(204, None)


@router.post(
    "/emails/{int:email_id}/preview",
    response={200: PreviewOut, **ERRORS},
    summary="The email personalised for a contact",
)
def email_preview(request: AuthedRequest, email_id: int, payload: PreviewIn) -> dict[str, Any]:
    email = selectors.email_get_for(request.auth, email_id)
    rendered = services.email_render(email=email, contact=_contact(request, payload.contact))
    return {"subject": rendered.subject, "html": rendered.html, "text": rendered.text}


@router.post(
    "/emails/{int:email_id}/test",
    response={200: TestOut, **ERRORS},
    summary="Send one test copy",
)
def email_test(request: AuthedRequest, email_id: int, payload: TestIn) -> dict[str, Any]:
    require_marketing(request.auth)
    email = selectors.email_get_for(request.auth, email_id)
    sent = services.email_test_send(
        email=email, to=payload.to, contact=_contact(request, payload.contact), by=request.auth
    )
    return {
        "to": sent.to,
        "subject": sent.subject,
        "message_id": sent.message_id,
        "contact": sent.contact_id,
    }
