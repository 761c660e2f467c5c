"""Legacy tracker import: read a CSV/XLSX file, map its columns and values, rehearse or commit through the services."""
