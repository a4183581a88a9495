"""The two buying-stage dimensions Tendril starts with, in the mission's words: the B2B buying
journey's eight stages (unaware → purchase) and the B2C funnel (first contact → advocacy).

Their names, labels and descriptions live here, in English and marked for translation
(``gettext_noop``: screens translate them when they show them), not in the database: a
preset's row stores an empty label until a marketer renames it, so Vietnamese and Thai readers
see the translated wording of every stage nobody has changed. Events keep the English words,
and so are told in the reader's language too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

B2B = "b2b"
B2C = "b2c"


@dataclass(frozen=True)
class PresetStage:
    key: str
    label: str
    # What the buyer thinks and does at this stage (the seed's customer journey map).
    description: str


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    stages: tuple[PresetStage, ...]


PRESETS: dict[str, Preset] = {
    B2B: Preset(
        B2B,
        _("B2B buying journey"),
        (
            PresetStage(
                "unaware",
                _("Unaware"),
                _("Does not know about the problem yet: searches the web, sees ads, reads blogs."),
            ),
            PresetStage(
                "problem_recognised",
                _("Problem recognised"),
                _(
                    "Talks about the problem inside the company, signs up for newsletters, "
                    "looks for useful information."
                ),
            ),
            PresetStage(
                "need_grows",
                _("Need grows"),
                _("Downloads ebooks and resources, joins seminars."),
            ),
            PresetStage(
                "searching",
                _("Searching"),
                _("Searches for possible solutions: makes inquiries, meets vendors."),
            ),
            PresetStage(
                "requirements",
                _("Requirements document"),
                _("Writes the requirements document and discusses it with the manager in charge."),
            ),
            PresetStage(
                "internal_decision",
                _("Internal decision"),
                _(
                    "Decides inside the company to adopt a product: meets vendors, checks "
                    "product details, case studies and customer reviews."
                ),
            ),
            PresetStage(
                "vendor_selection",
                _("Vendor selection"),
                _(
                    "Chooses the vendor: checks how to integrate, checks the vendor company, "
                    "compares the options."
                ),
            ),
            PresetStage(
                "purchase",
                _("Purchase"),
                _("Signs the contract and pays for the product or service."),
            ),
        ),
    ),
    B2C: Preset(
        B2C,
        _("B2C funnel"),
        (
            PresetStage(
                "first_contact",
                _("First contact"),
                _("Meets the brand for the first time: an ad, a search, a friend's tip."),
            ),
            PresetStage(
                "conversion",
                _("Conversion"),
                _("Signs up or buys for the first time."),
            ),
            PresetStage(
                "evaluation",
                _("Evaluation"),
                _(
                    "Has bought and judges the product: gets related products and an "
                    "invitation to write a review."
                ),
            ),
            PresetStage(
                "advocacy",
                _("Advocacy"),
                _("The highest loyalty: recommends the brand to others."),
            ),
        ),
    ),
}


def preset_stage(preset: str, key: str) -> PresetStage | None:
    """The built-in wording of a preset's stage (None for custom dimensions and stages)."""
    found = PRESETS.get(preset)
    if found is None:
        return None
    return next((stage for stage in found.stages if stage.key == key), None)
