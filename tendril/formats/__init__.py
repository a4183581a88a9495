"""Date and number formats per language (``FORMAT_MODULE_PATH``), so each page shows one format.

Only what differs from Django's own locale files is here: English day-first like the rest of
the world rather than US month-first, Vietnamese with slashes as its people write dates.
"""
