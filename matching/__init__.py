"""Matching: ranked, explained shortlists of foster households and joint allocation."""
