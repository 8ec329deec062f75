"""The call-store service."""
