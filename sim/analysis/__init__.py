"""Analysis of saved sweeps: it reads ``runs.parquet`` (and the manifest and design)
and never runs a model, so a report can be rebuilt from results alone."""
