"""Companies get a folded ``name_key``; two companies without a domain can no longer share a
name (duplicates made by concurrent requests before this are merged into the oldest)."""

from django.db import migrations, models


def _key(name: str) -> str:
    return " ".join(name.casefold().split())[:200]


def fill_and_merge(apps, schema_editor):
    Company = apps.get_model("contacts", "Company")
    Contact = apps.get_model("contacts", "Contact")
    keep: dict[str, int] = {}
    for company in Company.objects.order_by("id").iterator(chunk_size=2000):
        company.name_key = _key(company.name)
        company.save(update_fields=["name_key"])
        if company.domain is not None:
            continue
        first = keep.setdefault(company.name_key, company.pk)
        if first != company.pk:
            Contact.objects.filter(company_id=company.pk).update(company_id=first)
            company.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_contact_source_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="name_key",
            field=models.CharField(db_index=True, default="", max_length=200),
        ),
        migrations.RunPython(fill_and_merge, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="company",
            constraint=models.UniqueConstraint(
                condition=models.Q(("domain__isnull", True)),
                fields=("name_key",),
                name="company_one_per_name_without_domain",
            ),
        ),
    ]
