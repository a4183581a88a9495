"""The contact screens, one module per area: the dashboard, contacts, companies, custom fields,
and CSV import and export."""
