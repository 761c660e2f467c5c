"""The fictional demo data set and its command."""
