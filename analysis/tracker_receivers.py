"""Reactions to analysis events: keep job applications in step with their emails."""
