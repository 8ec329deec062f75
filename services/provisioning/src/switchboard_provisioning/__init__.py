"""The provisioning service."""
