"""Thai dates: day, abbreviated month, year and a 24-hour clock (30 พ.ย. 2026, 14:05)."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
