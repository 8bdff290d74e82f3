"""Partners and their quarterly updates: invites, roles, drafts, reviews and periods."""
