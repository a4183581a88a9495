"""Writing a chunk of cleaned rows in one transaction: upsert by email, companies found or
created in bulk, email consent, and the events each change records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from tendril.contacts.changes import (
    UPDATABLE,
    change_events,
    changes_apply,
    consent_event,
    created_event,
    import_actor,
)
from tendril.contacts.companies import companies_for_domains, company_build, company_name_key
from tendril.contacts.freemail import email_domain
from tendril.contacts.importer.rows import RowRules
from tendril.contacts.models import Channel, Company, Consent, Contact
from tendril.contacts.search import (
    SEARCHED_FIELDS,
    company_names,
    company_search_apply,
    contact_search_apply,
)
from tendril.contacts.services import (
    NEW_CONTACT_COLUMNS,
    consent_regrant_refused,
    new_contact_row,
)
from tendril.core import clock
from tendril.core.bulk import insert_rows
from tendril.core.models import Event, EventSource
from tendril.core.services import EVENT_COLUMNS

_NewEvent = tuple[int, str, dict[str, Any]]  # contact id, type, properties


class ChunkWriter:
    def __init__(self, rules: RowRules, source: str, *, job_id: int, file_name: str) -> None:
        self.rules = rules
        self.source = source
        self.job_id = job_id  # the import: the contacts it creates are tagged with it
        # The events it writes name it: "Import of leads.csv created the contact".
        self.actor = import_actor(job_id=job_id, file_name=file_name)
        # The last chunk's emails whose grant of consent was refused: they unsubscribed (when).
        self.refused: dict[str, datetime] = {}

    def write(self, chunk: dict[str, dict[str, Any]]) -> int:
        """Upsert one chunk (email → values) in one transaction; returns how many contacts it
        created (the others existed)."""
        try:
            with transaction.atomic():
                return self._write(chunk)
        except IntegrityError:
            # Someone created one of these emails (or company domains) between our lookup and
            # our insert; a second pass finds them and updates them instead.
            pass
        with transaction.atomic():
            return self._write(chunk)

    def _write(self, chunk: dict[str, dict[str, Any]]) -> int:
        now = clock.now()
        existing = {
            c.email: c
            for c in Contact.objects.filter(email__in=list(chunk)).only(
                "email", *UPDATABLE, "owner_id", "company_id", "fields"
            )
        }
        companies = self._companies(chunk, existing, now)
        # Every company a contact of the chunk will have, for the search texts.
        names = company_names([*companies.values(), *(c.company_id for c in existing.values())])
        at = connection.ops.adapt_datetimefield_value(now)
        new = [
            new_contact_row(
                email,
                values,
                source=self.source,
                company_id=companies.get(email),
                company_name=names.get(companies.get(email) or 0, ""),
                at=at,
            )
            for email, values in chunk.items()
            if email not in existing
        ]
        insert_rows(
            Contact, (*NEW_CONTACT_COLUMNS, "import_job_id"), [(*row, self.job_id) for row in new]
        )
        ids = dict(
            Contact.objects.filter(email__in=[row[0] for row in new]).values_list("email", "id")
        )
        events: list[_NewEvent] = [
            (ids[row[0]], *created_event(source=row[4], actor=self.actor)) for row in new
        ]
        events += self._update(chunk, existing, companies, names, now)
        ids.update((email, contact.pk) for email, contact in existing.items())
        events += self._consents(chunk, ids, now)
        insert_rows(
            Event,
            EVENT_COLUMNS,
            [(cid, "", kind, props, at, at, EventSource.IMPORT) for cid, kind, props in events],
        )
        return len(new)

    def _update(
        self,
        chunk: dict[str, dict[str, Any]],
        existing: dict[str, Contact],
        companies: dict[str, int],
        names: dict[int, str],
        now: Any,
    ) -> list[_NewEvent]:
        events: list[_NewEvent] = []
        changed_contacts: list[Contact] = []
        written: set[str] = set()
        for email, contact in existing.items():
            values = chunk[email]
            previous_stage, previous_fields = contact.stage, contact.fields
            changed = changes_apply(contact, values)
            company = companies.get(email)
            if company is not None and company != contact.company_id:
                contact.company_id = company
                changed.append("company")
            if not changed:
                continue
            if SEARCHED_FIELDS.intersection(changed):
                contact_search_apply(contact, company_name=names.get(contact.company_id or 0, ""))
                written.add("search_text")
            contact.updated_at = now
            changed_contacts.append(contact)
            written.update(changed)
            owner = contact.owner_id or 0
            events += [
                (contact.pk, kind, properties)
                for kind, properties in change_events(
                    changed=changed,
                    previous_stage=previous_stage,
                    stage=contact.stage,
                    owner_email=self.rules.owner_emails.get(owner),
                    owner_name=self.rules.owner_names.get(owner),
                    previous_fields=previous_fields,
                    fields=contact.fields,
                    method=EventSource.IMPORT,
                    actor=self.actor,
                )
            ]
        if changed_contacts:
            Contact.objects.bulk_update(
                changed_contacts, [*sorted(written), "updated_at"], batch_size=500
            )
        return events

    def _companies(
        self, chunk: dict[str, dict[str, Any]], existing: dict[str, Contact], now: Any
    ) -> dict[str, int]:
        """Company id per email: from the company columns, else from a company email domain
        (only for new contacts and contacts without a company)."""
        given = {e: v["company"] for e, v in chunk.items() if v.get("company")}
        found = _companies_given(list(given.values()), now)
        result = {e: found[_company_key(spec)] for e, spec in given.items()}
        by_domain = {
            email: email_domain(email)
            for email in chunk
            if email not in given and (email not in existing or not existing[email].company_id)
        }
        ids = companies_for_domains(by_domain.values())
        result.update({e: ids[d] for e, d in by_domain.items() if d in ids})
        return result

    def _consents(
        self, chunk: dict[str, dict[str, Any]], ids: dict[str, int], now: Any
    ) -> list[_NewEvent]:
        """Email consent from the consent column: new rows, changed rows, one event each. A
        grant to someone who unsubscribed is not written (only they can opt in again): their
        emails, with the day they unsubscribed, are left in ``self.refused``."""
        self.refused = {}
        wanted = {ids[e]: v["consent"] for e, v in chunk.items() if "consent" in v}
        if not wanted:
            return []
        current = {
            c.contact_id: c
            for c in Consent.objects.filter(
                contact_id__in=list(wanted), channel=Channel.EMAIL
            ).only("contact_id", "status", "method", "given_at")
        }
        method = EventSource.IMPORT
        emails = {cid: email for email, cid in ids.items()}
        for cid, status in list(wanted.items()):
            if consent_regrant_refused(current.get(cid), status=status, method=method):
                self.refused[emails[cid]] = current[cid].given_at
                del wanted[cid]
        changed = {
            cid: status
            for cid, status in wanted.items()
            if cid not in current or current[cid].status != status
        }
        at = connection.ops.adapt_datetimefield_value(now)
        insert_rows(
            Consent,
            ("contact_id", "channel", "status", "given_at", "method", "note"),
            [
                (cid, Channel.EMAIL, status, at, method, "")
                for cid, status in changed.items()
                if cid not in current
            ],
        )
        for status in ("granted", "denied"):
            Consent.objects.filter(
                contact_id__in=[c for c, s in changed.items() if c in current and s == status],
                channel=Channel.EMAIL,
            ).update(status=status, given_at=now, method=method, note="")
        return [
            (
                cid,
                *consent_event(
                    channel=Channel.EMAIL, status=status, method=method, actor=self.actor
                ),
            )
            for cid, status in changed.items()
        ]


def _company_key(spec: Mapping[str, Any]) -> str:
    return f"d:{spec['domain']}" if spec.get("domain") else f"n:{company_name_key(spec['name'])}"


def _companies_given(specs: list[dict[str, Any]], now: Any) -> dict[str, int]:
    """Company id per company key, finding by domain then by name (like ``company_resolve``),
    creating the missing ones and filling in industry / employees, all in bulk."""
    if not specs:
        return {}
    unique = {_company_key(s): s for s in specs}
    domains = {s["domain"] for s in unique.values() if s.get("domain")}
    by_domain = {c.domain: c for c in Company.objects.filter(domain__in=domains)}
    names = {company_name_key(s["name"]) for s in unique.values() if s.get("name")}
    by_name: dict[str, Company] = {}
    for found in Company.objects.filter(name_key__in=names).order_by("-id"):
        by_name[found.name_key] = found  # the oldest wins, as in company_resolve
    resolved: dict[str, Company] = {}
    missing: list[Company] = []
    changed: dict[int, Company] = {}
    taken = set(by_domain)
    for key, spec in unique.items():
        company = by_domain.get(spec.get("domain") or "") or by_name.get(
            company_name_key(spec.get("name") or "")
        )
        if company is None:
            company = company_build(
                name=spec.get("name") or "",
                domain=spec.get("domain"),
                industry=spec.get("industry") or "",
                employees=spec.get("employees"),
                now=now,
            )
            missing.append(company)
            if company.domain:
                taken.add(company.domain)
            if company.name:
                by_name[company.name_key] = company
        else:
            updates = {a: spec.get(a) for a in ("industry", "employees") if spec.get(a)}
            if spec.get("domain") and not company.domain and spec["domain"] not in taken:
                updates["domain"] = spec["domain"]  # found by name: it gains its domain
                taken.add(spec["domain"])
            for attr, value in updates.items():
                if getattr(company, attr) != value:
                    setattr(company, attr, value)
                    company.updated_at = now
                    company_search_apply(company)
                    if company.pk is not None:  # one created in this chunk is saved below
                        changed[company.pk] = company
        resolved[key] = company
    Company.objects.bulk_create(missing)
    if changed:
        fields = ["industry", "employees", "domain", "search_text", "updated_at"]
        Company.objects.bulk_update(list(changed.values()), fields)
    return {key: company.pk for key, company in resolved.items()}
