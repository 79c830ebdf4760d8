"""Public award records (DoD SBIR) kept as evidence of what an organisation can do."""
