"""Sweeps: experiment files, designs, seeds, workers and the results they stream to disk."""
