"""CSV import of contacts: reading the file, mapping its columns, upserting by email, import jobs.

The API (``POST /api/v1/contacts/import``), the CLI (``tendril import contacts``) and the import
screens (an :class:`ImportJob` run in the background) share these rules:

- A header row is required. Columns map to contact fields automatically (case, spaces, ``-``,
  ``_`` and ``.`` do not matter: "E-mail", "Email Address", "first name", "Company domain", a
  custom field's key or label...) or through an explicit mapping ``{"CSV header": "field"}``
  where the field ``""`` or ``"ignore"`` skips the column. A column that maps to nothing stops
  the import before any row is written, with a message naming it: nothing is dropped silently.
  The columns Tendril computes itself (score, created_at, last_seen_at, as its own export
  writes them) are recognised and skipped, so an export re-imports without a mapping.
  (:mod:`.mapping`)
- Encoding: UTF-8 with or without a BOM, or UTF-16 with a BOM. A line that is not valid UTF-8
  is decoded as Windows-1252 (Latin-1 for the five bytes 1252 leaves undefined), line by line,
  so a file whose rows come from different tools still imports correctly. (:mod:`.reading`)
- Delimiter: comma, semicolon or tab, sniffed from the header line. (:mod:`.reading`)
- Each row is checked with the API's rules (:mod:`tendril.contacts.cleaning`); a bad row is
  reported as ``{row, detail}`` (``row`` is the line number in the file, the header being 1)
  and the good rows are imported. Only the first ``REJECTED_KEPT`` are kept; all are counted.
  (:mod:`.rows`, :mod:`.running`)
- Upsert by email: an existing contact gets the row's non-empty cells (an empty cell never
  erases anything); a new one is created with a ``contact_created`` event. The company comes
  from the company columns, else from the email domain (never a free-mail domain).
  (:mod:`.writing`)
- The same email twice in a file: the rows are merged in file order, so for each column the
  last non-empty value wins. Every row read is counted once: ``rows`` = ``created`` +
  ``updated`` + ``merged`` + ``rejected_count``, where ``created`` / ``updated`` count the first
  row of each email (a new contact / one that existed before) and ``merged`` the rows that
  repeat an earlier row's email, in the same chunk or not. (:mod:`.rows`, :mod:`.running`)
- Every import is an :class:`ImportJob` (the API and the CLI record one too): the contacts it
  creates carry its id, and for ``UNDO_DAYS`` after it finished they can be deleted in one
  audited action. (:mod:`.undo`)
- Rows are written in chunks of ``CHUNK_ROWS``, each in its own transaction: a chunk is written
  whole or not at all. The file is streamed, so memory stays flat whatever its size.
  (:mod:`.running`, :mod:`.writing`)
- Import jobs (the import screens) run the same import in the background. (:mod:`.jobs`)
"""

from tendril.contacts.importer.jobs import (
    import_job_create,
    import_job_execute,
    import_job_start,
    imports_dir,
)
from tendril.contacts.importer.mapping import import_mapping_check, mapping_choices
from tendril.contacts.importer.reading import ImportPreview, import_preview
from tendril.contacts.importer.running import (
    ImportReport,
    import_contacts_file,
    import_contacts_path,
)
from tendril.contacts.importer.undo import (
    UNDO_DAYS,
    import_job_created_count,
    import_job_undo,
    import_job_undo_until,
    import_job_undoable,
)

__all__ = [
    "UNDO_DAYS",
    "ImportPreview",
    "ImportReport",
    "import_contacts_file",
    "import_contacts_path",
    "import_job_create",
    "import_job_created_count",
    "import_job_execute",
    "import_job_start",
    "import_job_undo",
    "import_job_undo_until",
    "import_job_undoable",
    "import_mapping_check",
    "import_preview",
    "imports_dir",
    "mapping_choices",
]
