"""Alerts on new matching leads: a segment notifies chosen users, in the app and by email, when a
contact enters it."""
