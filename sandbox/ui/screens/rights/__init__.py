"""A head of unit's requests: a change of a user's rights, the letter after a lost phone."""
