"""The provincial treasury office's desk: what is still open in each unit of the province."""
