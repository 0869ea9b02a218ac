"""NFMA60 and NFMA60CX: the reserve-document reports, on screen and to download."""
