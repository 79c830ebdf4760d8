"""The partnership pipeline: partnerships between organisations of both countries, their gated
stages, timeline, comments and tasks, and each partnership's need-to-know data room."""
