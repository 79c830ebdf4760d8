"""The supply-graph engine: plain data in, results out; no database, no web framework."""
