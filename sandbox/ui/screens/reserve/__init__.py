"""Form SNG.01 (reserve documents): create, edit, cancel, search, convert to PO."""
