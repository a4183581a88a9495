"""Segments: the filter DSL compiled to one query, dynamic and static lists, stored membership
kept current from the event log."""
