"""Transfers between two sites of a tenant: release (reserve), pick, ship, receive, close."""
