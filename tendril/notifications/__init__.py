"""In-app notifications for the people who use Tendril: what happened that they asked to hear
of, unread until they look."""
