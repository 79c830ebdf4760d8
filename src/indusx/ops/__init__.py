"""Operations: structured logs, metrics, the job queue and worker, backup and restore."""
