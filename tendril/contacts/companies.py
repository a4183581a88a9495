"""Companies: found or made by every contact write path (by domain, else by name, race-free),
and created and edited by people through the screens and the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.cleaning import (
    COMPANY_KEYS,
    domain_clean,
    text_clean,
    whole_number_clean,
)
from tendril.contacts.freemail import email_domain, is_company_domain
from tendril.contacts.models import (
    Company,
)
from tendril.contacts.search import (
    company_contacts_refresh,
    company_search_apply,
)
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput


def company_name_from_domain(domain: str) -> str:
    """``acme-logistics.co.th`` → ``Acme Logistics``: a readable name until someone edits it."""
    label = domain.split(".")[0]
    return label.replace("-", " ").replace("_", " ").title()


def company_name_key(name: str) -> str:
    """The form two company names are compared in: case and spacing do not matter."""
    return " ".join(name.casefold().split())[:200]


def company_build(
    *,
    name: str,
    domain: str | None,
    now: datetime,
    industry: str = "",
    employees: int | None = None,
) -> Company:
    """A new, unsaved company; every writer (API, UI, import, demo) makes companies here."""
    name = name or company_name_from_domain(domain or "")
    company = Company(
        name=name,
        name_key=company_name_key(name),
        domain=domain,
        industry=industry or "",
        employees=employees,
        created_at=now,
        updated_at=now,
    )
    company_search_apply(company)
    return company


def _company_find(*, domain: str | None, name: str | None) -> Company | None:
    """By domain first, then by name (the oldest company of that name wins)."""
    if domain:
        found = Company.objects.filter(domain=domain).first()
        if found is not None:
            return found
    if name:
        return Company.objects.filter(name_key=company_name_key(name)).order_by("id").first()
    return None


# Namespace of the advisory locks taken on company names (the other key is the name's hash).
_COMPANY_NAME_LOCK = 7301


def _lock_company_name(name: str) -> None:
    """Until the transaction ends, be the only writer looking up or creating a company of this
    name: one client naming "Kanok Rice" with its domain and another without it must end up
    with one company, which no unique constraint can express. SQLite writers are serialised."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [_COMPANY_NAME_LOCK, company_name_key(name)],
            )


def company_get_or_create(*, domain: str | None, name: str | None, **extra: Any) -> Company:
    """The company with this domain (or else this name), created if missing.

    Race-free: concurrent callers agree on one row. Callers naming the company wait for each
    other (``_lock_company_name``); an insert that still collides with a unique constraint
    (domain; name among companies without a domain) runs in a savepoint and turns into a
    lookup of the winner's row.
    """
    if transaction.get_autocommit():  # the name lock lasts as long as the transaction
        with transaction.atomic():
            return company_get_or_create(domain=domain, name=name, **extra)
    if name:
        _lock_company_name(name)
    found = _company_find(domain=domain, name=name)
    if found is not None:
        return found
    company = company_build(name=name or "", domain=domain, now=clock.now(), **extra)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        found = _company_find(domain=domain, name=name)
        if found is None:
            raise
        return found
    return company


def company_resolve(*, email: str, company: Mapping[str, Any] | None) -> Company | None:
    """The company a contact belongs to: the one given, or the one behind the email domain."""
    if not company:
        domain = email_domain(email)
        if not is_company_domain(domain):
            return None
        return company_get_or_create(domain=domain, name=None)
    given_domain = company.get("domain")
    found = company_get_or_create(
        domain=given_domain,
        name=company.get("name"),
        industry=company.get("industry") or "",
        employees=company.get("employees"),
    )
    changed = False
    for attr in ("industry", "employees", "domain"):
        value = company.get(attr)
        if value not in (None, "") and getattr(found, attr) != value:
            setattr(found, attr, value)
            changed = True
    if changed:
        found.updated_at = clock.now()
        company_search_apply(found)
        try:
            with transaction.atomic():
                found.save()
        except IntegrityError:
            # Found by its name, it was to gain this domain, which a concurrent writer has
            # just given to a new company: that one is the company meant.
            owner = Company.objects.filter(domain=given_domain).first()
            if owner is None:
                raise
            return owner
    return found


def companies_for_domains(domains: Iterable[str]) -> dict[str, int]:
    """Company id per company domain, creating the missing companies in bulk (imports, event
    ingest); concurrent callers skip each other's rows and then read them."""
    wanted = {d for d in domains if is_company_domain(d)}
    if not wanted:
        return {}
    existing: dict[str, int] = {
        domain: pk
        for domain, pk in Company.objects.filter(domain__in=wanted).values_list("domain", "id")
        if domain
    }
    missing = wanted - existing.keys()
    if missing:
        now = clock.now()
        Company.objects.bulk_create(
            [company_build(name="", domain=d, now=now) for d in sorted(missing)],
            ignore_conflicts=True,
        )
        created = Company.objects.filter(domain__in=missing).values_list("domain", "id")
        existing.update((domain, pk) for domain, pk in created if domain)
    return existing


# --- Companies edited by people (UI and API) ---------------------------------------------------


def _company_values(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Clean the given keys of a company body; without ``partial`` the name must be there."""
    unknown = set(data) - COMPANY_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(gettext("unknown company field '%(name)s'") % {"name": name}, field=name)
    values: dict[str, Any] = {}
    if "name" in data or not partial:
        values["name"] = text_clean(data.get("name"), field="name", max_length=200)
        if not values["name"]:
            raise InvalidInput(gettext("Give the company a name."), field="name")
    if "domain" in data:
        values["domain"] = domain_clean(data["domain"], field="domain")
    if "industry" in data:
        values["industry"] = text_clean(data["industry"], field="industry", max_length=100)
    if "employees" in data:
        values["employees"] = whole_number_clean(data["employees"], field="employees")
    return values


def _company_taken(company: Company) -> Conflict | None:
    """The conflict with another company that saving ``company`` would run into, if any: its
    domain, or (without a domain) its name among the companies without one."""
    others = Company.objects.exclude(pk=company.pk)
    if company.domain:
        if others.filter(domain=company.domain).exists():
            return Conflict(gettext("Another company already uses this domain."), field="domain")
    elif others.filter(domain__isnull=True, name_key=company.name_key).exists():
        return Conflict(
            gettext(
                "Another company without a domain already has this name. Give this one its "
                "domain, or use that company."
            ),
            field="name",
        )
    return None


def _company_save(company: Company) -> None:
    """Save, answering a taken domain or name with a conflict on that field. The unique
    constraints decide races: a concurrent writer that saved first makes this insert fail, and
    the check after the failure names what it took, never a 500."""
    taken = _company_taken(company)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        taken = _company_taken(company)
        if taken is None:
            raise
        raise taken from None


def company_create(*, data: Mapping[str, Any], by: Actor) -> Company:
    """A company someone entered by hand: a name, and a domain no other company has."""
    values = _company_values(data, partial=False)
    with transaction.atomic():
        company = company_build(
            name=values["name"],
            domain=values.get("domain"),
            now=clock.now(),
            industry=values.get("industry", ""),
            employees=values.get("employees"),
        )
        _company_save(company)
        audit_record(
            actor=by,
            action="company.create",
            target_type="company",
            target_id=company.pk,
            detail={"name": company.name, "domain": company.domain},
        )
    return company


def company_update(*, company: Company, data: Mapping[str, Any], by: Actor) -> Company:
    """Change the given fields. A new name goes into the search text of the company and of its
    contacts, so searching for the new name finds them."""
    values = _company_values(data, partial=True)
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        changed = sorted(name for name, value in values.items() if getattr(company, name) != value)
        if not changed:
            return company
        for name in changed:
            setattr(company, name, values[name])
        company.name_key = company_name_key(company.name)
        company_search_apply(company)
        company.updated_at = clock.now()
        _company_save(company)
        if "name" in changed:
            # A contact's search text carries its company's name (not its domain).
            company_contacts_refresh(company.pk)
        audit_record(
            actor=by,
            action="company.update",
            target_type="company",
            target_id=company.pk,
            detail={"changed": changed},
        )
    return company
