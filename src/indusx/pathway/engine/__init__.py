"""The regulatory-pathway engine: rules as YAML data, facts in, cited conclusions out.

Pure computation: no database, no web framework. `rules.load_ruleset()` reads and validates
the packaged rule files; `evaluate.assess(ruleset, facts)` applies them.
"""
