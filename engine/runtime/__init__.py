"""The journey engine's runtime: batches, executors, guards, events, publishing, runner."""
