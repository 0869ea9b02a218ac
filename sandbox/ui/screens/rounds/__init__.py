"""The carry-over rounds: SNG.02 List, SNG.03 List cancel, OP.01 Confirm."""
