"""Lifecycle: the stage rules that move contacts forward along the lifecycle stages, the admin's
screen that arranges the stages themselves, and the contact page's stage history."""
