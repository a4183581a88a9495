"""The two preset dimensions: the B2B buying journey's eight stages and the B2C funnel.

Rows store keys and positions only; names, labels and descriptions stay empty so the screens
show the translated built-in wording (tendril.personas.presets) until a marketer renames one.
The keys are copied here rather than imported, so this migration keeps meaning what it meant.
"""

from django.db import migrations
from django.utils import timezone

PRESETS = {
    "b2b": [
        "unaware",
        "problem_recognised",
        "need_grows",
        "searching",
        "requirements",
        "internal_decision",
        "vendor_selection",
        "purchase",
    ],
    "b2c": ["first_contact", "conversion", "evaluation", "advocacy"],
}


def create_presets(apps, schema_editor):
    Dimension = apps.get_model("personas", "BuyingStageDimension")
    Stage = apps.get_model("personas", "BuyingStage")
    now = timezone.now()
    for preset, keys in PRESETS.items():
        dimension, created = Dimension.objects.get_or_create(
            preset=preset, defaults={"kind": preset, "created_at": now, "updated_at": now}
        )
        if created:
            Stage.objects.bulk_create(
                Stage(dimension=dimension, key=key, position=position)
                for position, key in enumerate(keys, start=1)
            )


def remove_presets(apps, schema_editor):
    apps.get_model("personas", "BuyingStageDimension").objects.filter(
        preset__in=list(PRESETS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("personas", "0001_initial")]

    operations = [migrations.RunPython(create_presets, remove_presets)]
