from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "tendril.segments"
    label = "segments"
    verbose_name = "Segments"

    def ready(self) -> None:
        """Lets the contacts app read membership (``?segment=``, a contact's ``segments``) and
        drop the memberships of the contacts it deletes (erasure, an import's undo)."""
        from tendril.contacts.membership import MembershipProvider, register_membership
        from tendril.segments import selectors, services

        register_membership(
            MembershipProvider(
                member_of=selectors.member_of,
                segments_of=selectors.segments_of,
                forget=services.memberships_forget,
            )
        )
