"""Withdrawals: request against a document, approve the request, approve the payment."""
