"""Officer dashboards: the ecosystem, matchmaking, challenges, pipeline, roadmap, supply and
screening in numbers and charts, as pages, JSON, CSV and a printable PDF report."""
