"""Tests of the patient-identifiable-data guard (app/privacy)."""
