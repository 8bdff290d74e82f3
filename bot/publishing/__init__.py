"""The residents' progress summary, publishing it, charts, and broadcasts to subscribers."""
