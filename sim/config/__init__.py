"""Input and validation: scenario and experiment files become validated values before any model runs."""
