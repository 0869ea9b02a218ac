"""Soft Token enrolment: credentials, the two apps, identity, registration, a lost phone."""
