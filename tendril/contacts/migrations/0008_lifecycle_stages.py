"""Lifecycle stages become data: a table of stages admins rename, reorder, add to and hide,
seeded with the eight built-in keys in funnel order (their names stay translated until renamed).
A contact's stage stays the same key as before, now checked against this table."""

from django.db import migrations, models

BUILT_IN = ("subscriber", "lead", "mql", "sal", "sql", "opportunity", "customer", "evangelist")


def stages_seed(apps, schema_editor):
    LifecycleStage = apps.get_model("contacts", "LifecycleStage")
    LifecycleStage.objects.bulk_create(
        [LifecycleStage(key=key, position=i) for i, key in enumerate(BUILT_IN)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_contact_list_sorts"),
    ]

    operations = [
        migrations.CreateModel(
            name="LifecycleStage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.SlugField(max_length=32, unique=True)),
                ("label", models.CharField(blank=True, default="", max_length=60)),
                ("position", models.PositiveIntegerField()),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["position", "id"],
            },
        ),
        migrations.RunPython(stages_seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contact",
            name="stage",
            field=models.CharField(default="lead", max_length=32),
        ),
    ]
