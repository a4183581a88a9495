from typing import Any

from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "tendril.segments"
    label = "segments"
    verbose_name = "Segments"

    def ready(self) -> None:
        """Lets the contacts app read membership (``?segment=``, a contact's ``segments``),
        drop the memberships of the contacts it deletes (erasure, an import's undo) and move
        them when two contacts merge; and hears of new grade thresholds, which move grades
        with no event."""
        from tendril.contacts.membership import MembershipProvider, register_membership
        from tendril.contacts.merging import contact_merge_hook
        from tendril.scoring.services import grades_moved
        from tendril.segments import selectors, services

        grades_moved.connect(_grade_segments_rebuild_later, dispatch_uid="segments.regrade")

        register_membership(
            MembershipProvider(
                member_of=selectors.member_of,
                segments_of=selectors.segments_of,
                forget=services.memberships_forget,
            )
        )
        contact_merge_hook("segments", services.memberships_merge)


def _grade_segments_rebuild_later(**_: Any) -> None:
    from tendril.core.tasks import enqueue
    from tendril.segments.tasks import grade_segments_rebuild_run

    enqueue(grade_segments_rebuild_run)
