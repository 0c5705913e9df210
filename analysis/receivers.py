"""Reactions to mailbox events: analyse new messages, forget deleted ones."""
