"""Token verification and the permission matrix, shared by every service."""
