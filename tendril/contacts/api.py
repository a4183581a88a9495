"""``/api/v1/contacts``, ``/api/v1/companies`` and ``/api/v1/custom-fields``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts import selectors
from tendril.contacts.cleaning import storable_check
from tendril.contacts.companies import company_create, company_update
from tendril.contacts.importer import ImportReport, import_contacts_file
from tendril.contacts.importer.running import REJECTED_KEPT
from tendril.contacts.membership import segments_of
from tendril.contacts.merging import contacts_merge
from tendril.contacts.models import Company, Contact, CustomField
from tendril.contacts.selectors import (
    DEFAULT_ORDER,
    CompanyOrder,
    ContactFilters,
    ContactOrder,
    grade_for,
)
from tendril.contacts.services import (
    contact_create,
    contact_erase,
    contact_update,
    contact_upsert,
    custom_field_create,
    custom_field_delete,
)
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema

contacts_router = Router(tags=["contacts"])
companies_router = Router(tags=["companies"])
fields_router = Router(tags=["custom fields"])

ConsentValue = Literal["granted", "denied"]


class CompanyIn(BodySchema):
    name: str | None = Field(None, max_length=200)
    domain: str | None = Field(None, max_length=253)
    industry: str | None = Field(None, max_length=100)
    employees: int | None = Field(None, ge=0, le=2_000_000_000)


class ContactIn(BodySchema):
    email: str = Field(..., max_length=254, json_schema_extra={"format": "email"})
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    company: CompanyIn | None = None
    fields: dict[str, Any] | None = None
    source: str | None = Field(None, max_length=100)
    consent: dict[Literal["email", "sms", "phone"], ConsentValue] | None = None
    stage: str | None = Field(None, max_length=32)
    owner: int | None = Field(None, ge=1, le=2**62)
    # "en", "vi" or "th" (null: unknown); checked by the cleaning every door shares.
    language: str | None = Field(None, max_length=8)


class ContactPatch(ContactIn):
    email: str | None = Field(  # type: ignore[assignment]
        None, max_length=254, json_schema_extra={"format": "email"}
    )


class CompanyRef(Schema):
    id: int
    name: str
    domain: str | None


class OwnerRef(Schema):
    id: int
    email: str
    name: str


class ContactOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    display_name: str
    language: str | None
    phone: str
    company: CompanyRef | None
    fields: dict[str, Any]
    source: str
    consent: dict[str, str]
    score: int
    grade: str
    stage: str
    owner: OwnerRef | None
    segments: list[int]
    created_at: datetime
    last_seen_at: datetime | None


class ContactPage(Schema):
    count: int
    items: list[ContactOut]


class ContactQuery(PageParams):
    email: str | None = Field(None, max_length=254)
    q: str | None = Field(None, max_length=200)
    stage: str | None = Field(None, max_length=32)
    grade: Literal["hot", "warm", "cold"] | None = None
    owner: int | None = Field(None, ge=1, le=2**62)
    company: int | None = Field(None, ge=1, le=2**62)
    source: str | None = Field(None, max_length=100)
    segment: int | None = Field(None, ge=1, le=2**62)
    order: ContactOrder = DEFAULT_ORDER


class TimelineEvent(Schema):
    id: int
    type: str
    properties: dict[str, Any]
    occurred_at: datetime
    source: str


class TimelinePage(Schema):
    count: int
    items: list[TimelineEvent]


class RejectedRow(Schema):
    row: int
    detail: str


class ImportOut(Schema):
    """Every row read is counted once: rows = created + updated + merged + rejected_count."""

    rows: int = Field(description="Rows read, the header not counted.")
    created: int = Field(description="Rows whose email was new: a contact was created.")
    updated: int = Field(description="Rows whose email belonged to an existing contact.")
    merged: int = Field(
        description="Rows whose email an earlier row of the file had: folded into that row's "
        "contact, their non-empty cells winning."
    )
    rejected: list[RejectedRow] = Field(
        description=f"The first {REJECTED_KEPT:,} rejected rows (line and reason)."
    )
    rejected_count: int = Field(description="All the rejected rows.")


class Error(Schema):
    detail: str
    field: str | None


def contact_out(contact: Contact) -> dict[str, Any]:
    company = contact.company
    owner = contact.owner
    return {
        "id": contact.pk,
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "display_name": contact.display_name,
        "language": contact.language or None,
        "phone": contact.phone,
        "company": {"id": company.pk, "name": company.name, "domain": company.domain}
        if company
        else None,
        "fields": contact.fields,
        "source": contact.source,
        "consent": {c.channel: c.status for c in contact.consents.all()},
        "score": contact.score,
        "grade": grade_for(contact.score),
        "stage": contact.stage,
        "owner": {"id": owner.pk, "email": owner.email, "name": owner.get_full_name()}
        if owner
        else None,
        "segments": segments_of(contact.pk),
        "created_at": contact.created_at,
        "last_seen_at": contact.last_seen_at,
    }


def _fresh(request: AuthedRequest, contact: Contact) -> dict[str, Any]:
    return contact_out(selectors.contact_get_for(request.auth, contact.pk))


ERRORS = {400: Error, 404: Error, 409: Error, 422: Error}


@contacts_router.post("", response={201: ContactOut, **ERRORS}, summary="Create a contact")
def contact_post(request: AuthedRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    contact = contact_create(data=payload.model_dump(exclude_unset=True), by=request.auth)
    return Status(201, _fresh(request, contact))


@contacts_router.put(
    "", response={200: ContactOut, 201: ContactOut, **ERRORS}, summary="Create or update by email"
)
def contact_put(request: AuthedRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    contact, created = contact_upsert(data=payload.model_dump(exclude_unset=True), by=request.auth)
    return Status(201 if created else 200, _fresh(request, contact))


@contacts_router.get("", response={200: ContactPage, **ERRORS}, summary="List contacts")
def contact_index(request: AuthedRequest, params: Query[ContactQuery]) -> dict[str, Any]:
    filters = ContactFilters(
        **params.model_dump(exclude={"page", "page_size", "order"}, exclude_none=True)
    )
    contacts = selectors.contact_list(filters=filters, order=params.order)
    contacts = contacts.prefetch_related("consents")
    return page_of(contacts, params, contact_out)


@contacts_router.post(
    "/import",
    response={200: ImportOut, **ERRORS},
    summary="Import contacts from a CSV file (header row; upsert by email)",
)
def contact_import(
    request: AuthedRequest, file: File[UploadedFile], mapping: Form[str | None] = None
) -> ImportReport:
    require_marketing(request.auth)
    return import_contacts_file(upload=file, mapping_json=mapping, by=request.auth)


@contacts_router.get("/{int:contact_id}", response={200: ContactOut, **ERRORS})
def contact_get(request: AuthedRequest, contact_id: int) -> dict[str, Any]:
    return contact_out(selectors.contact_get_for(request.auth, contact_id))


@contacts_router.patch("/{int:contact_id}", response={200: ContactOut, **ERRORS})
def contact_patch(request: AuthedRequest, contact_id: int, payload: ContactPatch) -> dict[str, Any]:
    contact = selectors.contact_get_for(request.auth, contact_id)
    contact = contact_update(
        contact=contact, data=payload.model_dump(exclude_unset=True), by=request.auth
    )
    return _fresh(request, contact)


@contacts_router.delete(
    "/{int:contact_id}",
    response={204: None, **ERRORS},
    summary="Erase a person (GDPR): events stay anonymised, the address is suppressed",
)
def contact_delete(request: AuthedRequest, contact_id: int) -> Status[None]:
    require_marketing(request.auth)
    contact_erase(contact=selectors.contact_get_for(request.auth, contact_id), by=request.auth)
    return Status(204, None)


class MergeIn(BodySchema):
    contact_id: int = Field(
        ..., ge=1, le=2**62, description="The duplicate: folded into this contact, then deleted."
    )


@contacts_router.post(
    "/{int:contact_id}/merge",
    response={200: ContactOut, **ERRORS},
    summary="Merge a duplicate into this contact: its events, score history and memberships "
    "move here, empty fields are filled from it, and it is deleted",
)
def contact_merge(request: AuthedRequest, contact_id: int, payload: MergeIn) -> dict[str, Any]:
    require_marketing(request.auth)
    keep = selectors.contact_get_for(request.auth, contact_id)
    gone = selectors.contact_get_for(request.auth, payload.contact_id)
    return _fresh(request, contacts_merge(keep=keep, gone=gone, by=request.auth))


@contacts_router.get("/{int:contact_id}/timeline", response={200: TimelinePage, **ERRORS})
def contact_timeline(
    request: AuthedRequest, contact_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    contact = selectors.contact_get_for(request.auth, contact_id)
    return page_of(selectors.contact_timeline(contact=contact), params, lambda e: e)


@contacts_router.get(
    "/{int:contact_id}/export",
    response={200: dict[str, Any], **ERRORS},
    summary="Everything held about one person (GDPR access request)",
)
def contact_export(request: AuthedRequest, contact_id: int) -> dict[str, Any]:
    contact = selectors.contact_get_for(request.auth, contact_id)
    return selectors.contact_personal_data(contact=contact)


# --- Companies -------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str
    domain: str | None
    industry: str
    employees: int | None
    contact_count: int
    total_score: int
    created_at: datetime


class CompanyDetail(CompanyOut):
    contacts: list[ContactOut]


class CompanyPage(Schema):
    count: int
    items: list[CompanyOut]


class CompanyNew(CompanyIn):
    name: str = Field(..., max_length=200)  # type: ignore[assignment]


class CompanyQuery(PageParams):
    q: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    order: CompanyOrder = Field(
        "name",
        description="score: by total_score, the sum of the contacts' scores; - for descending.",
    )


def company_out(company: Company) -> dict[str, Any]:
    return {
        "id": company.pk,
        "name": company.name,
        "domain": company.domain,
        "industry": company.industry,
        "employees": company.employees,
        "contact_count": getattr(company, "contact_count", 0),
        "total_score": getattr(company, "total_score", None) or 0,
        "created_at": company.created_at,
    }


@companies_router.get("", response={200: CompanyPage, **ERRORS}, summary="List companies")
def company_index(request: AuthedRequest, params: Query[CompanyQuery]) -> dict[str, Any]:
    companies = selectors.company_list(q=params.q, industry=params.industry, order=params.order)
    return page_of(companies, params, company_out)


@companies_router.post(
    "",
    response={201: CompanyOut, **ERRORS},
    summary="Create a company (its domain, if given, must be no other company's)",
)
def company_post(request: AuthedRequest, payload: CompanyNew) -> Status[dict[str, Any]]:
    company = company_create(data=payload.model_dump(exclude_unset=True), by=request.auth)
    return Status(201, company_out(selectors.company_get_for(request.auth, company.pk)))


@companies_router.patch(
    "/{int:company_id}", response={200: CompanyOut, **ERRORS}, summary="Change a company"
)
def company_patch(request: AuthedRequest, company_id: int, payload: CompanyIn) -> dict[str, Any]:
    company = selectors.company_get_for(request.auth, company_id)
    company_update(company=company, data=payload.model_dump(exclude_unset=True), by=request.auth)
    return company_out(selectors.company_get_for(request.auth, company_id))


@companies_router.get(
    "/{int:company_id}",
    response={200: CompanyDetail, **ERRORS},
    summary="One company, with its contacts and their total score",
)
def company_get(request: AuthedRequest, company_id: int) -> dict[str, Any]:
    company = selectors.company_get_for(request.auth, company_id)
    contacts = selectors.contact_list(filters=ContactFilters(company=company.pk))
    return {
        **company_out(company),
        "contacts": [contact_out(c) for c in contacts.prefetch_related("consents")[:500]],
    }


# --- Custom fields ---------------------------------------------------------------------------


class CustomFieldIn(BodySchema):
    key: str | None = Field(None, max_length=50)
    label: str = Field(..., max_length=100)
    type: Literal["text", "number", "date", "choice", "boolean"]
    choices: list[str] | None = Field(None, max_length=200)


class CustomFieldOut(Schema):
    key: str
    label: str
    type: str
    choices: list[str]


@fields_router.get("", response={200: list[CustomFieldOut]}, summary="Custom contact fields")
def field_index(request: AuthedRequest) -> list[CustomField]:
    return list(selectors.custom_field_list())


@fields_router.post("", response={201: CustomFieldOut, **ERRORS}, summary="Add a custom field")
def field_post(request: AuthedRequest, payload: CustomFieldIn) -> Status[CustomField]:
    require_marketing(request.auth)
    definition = custom_field_create(
        key=payload.key or "",
        label=payload.label,
        type=payload.type,
        choices=payload.choices,
        by=request.auth,
    )
    return Status(201, definition)


@fields_router.delete(
    "/{key}",
    response={204: None, **ERRORS},
    summary="Delete a custom field and its values on every contact",
)
def field_delete(request: AuthedRequest, key: str) -> Status[None]:
    require_marketing(request.auth)
    storable_check(key, field="key")
    definition = selectors.custom_field_get_by_key(request.auth, key)
    custom_field_delete(definition=definition, by=request.auth)
    return Status(204, None)
