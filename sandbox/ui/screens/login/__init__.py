"""Login: the portal's login form and the password change."""
