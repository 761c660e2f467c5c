"""The NHS organisation hierarchy: regions, ICBs, sub-ICB locations (CCGs), partnerships and themes."""
