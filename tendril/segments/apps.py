from typing import Any

from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "tendril.segments"
    label = "segments"
    verbose_name = "Segments"

    def ready(self) -> None:
        """Lets the contacts app read membership (``?segment=``, a contact's ``segments``) and
        drops an erased or merged-away contact's memberships with it."""
        from django.db.models.signals import post_delete

        from tendril.contacts.membership import MembershipProvider, register_membership
        from tendril.contacts.models import Contact
        from tendril.segments import selectors

        register_membership(
            MembershipProvider(member_of=selectors.member_of, segments_of=selectors.segments_of)
        )
        post_delete.connect(_forget_contact, sender=Contact, dispatch_uid="segments_forget_contact")


def _forget_contact(sender: object, instance: Any, **kwargs: object) -> None:
    from tendril.segments.models import SegmentMember

    SegmentMember.objects.filter(contact_id=instance.pk).delete()
