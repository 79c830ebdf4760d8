"""Matchmaking: explainable partner suggestions, solver search, opportunity map, introductions."""
