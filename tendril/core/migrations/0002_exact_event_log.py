"""The exact event log: events carry their writer's transaction id, consumers keep a
``(txid, id)`` cursor and park poison events; the kernel stops depending on contacts (a plain
``contact_id`` instead of a foreign key)."""

import django.db.models.deletion
from django.db import migrations, models

import tendril.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("contacts", "0001_initial"),
    ]

    operations = [
        # 1. contact -> contact_id: drop the database constraints, then swap the field in state
        #    only (the column keeps its name and its data).
        migrations.AlterField(
            model_name="event",
            name="contact",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="contacts.contact",
            ),
        ),
        migrations.AlterField(
            model_name="visitorlink",
            name="contact",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="visitor_links",
                to="contacts.contact",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="event", name="event_timeline"),
                migrations.RemoveIndex(model_name="event", name="event_anonymous_visitor"),
                migrations.RemoveField(model_name="event", name="contact"),
                migrations.AddField(
                    model_name="event",
                    name="contact_id",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(
                        fields=["contact_id", "-occurred_at"], name="event_timeline"
                    ),
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(
                        condition=models.Q(
                            ("contact_id__isnull", True),
                            models.Q(("visitor_id", ""), _negated=True),
                        ),
                        fields=["visitor_id"],
                        name="event_anonymous_visitor",
                    ),
                ),
                migrations.RemoveField(model_name="visitorlink", name="contact"),
                migrations.AddField(
                    model_name="visitorlink",
                    name="contact_id",
                    field=models.BigIntegerField(db_index=True, default=0),
                    preserve_default=False,
                ),
            ],
            database_operations=[],
        ),
        # 2. txid: existing rows are long committed (0, before every new transaction id); only
        #    then does the default become the writer's transaction id.
        migrations.AddField(
            model_name="event",
            name="txid",
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="event",
            name="txid",
            field=models.BigIntegerField(
                db_default=tendril.core.models.CurrentTransactionId(), editable=False
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["txid", "id"], name="event_log_order"),
        ),
        migrations.AddField(
            model_name="consumercursor",
            name="txid",
            field=models.BigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="DeadLetter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("consumer", models.CharField(max_length=80)),
                ("error", models.TextField()),
                ("attempts", models.PositiveIntegerField(default=1)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("parked", "Parked"),
                            ("retried", "Delivered on retry"),
                            ("skipped", "Skipped"),
                        ],
                        default="parked",
                        max_length=16,
                    ),
                ),
                ("parked_at", models.DateTimeField()),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_by", models.CharField(blank=True, default="", max_length=200)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.event",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "parked")),
                        fields=["consumer", "-parked_at"],
                        name="dead_letter_parked",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("consumer", "event"), name="dead_letter_once")
                ],
            },
        ),
    ]
