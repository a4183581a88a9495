"""Vietnamese dates as they are written in Vietnam: 30/11/2026, 14:05."""

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
