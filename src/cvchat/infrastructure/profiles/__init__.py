"""Candidate profiles: the extractors that read a CV's text into typed, evidenced facts."""
