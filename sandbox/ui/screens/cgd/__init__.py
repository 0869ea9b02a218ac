"""The CGD desk: approving, rejecting and cancelling confirmed documents; users' credentials."""
