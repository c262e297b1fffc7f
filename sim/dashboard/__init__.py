"""The trainers' dashboard: the dilemmas of collaboration, live in a browser, in Dutch and English.

The plain-Python parts (texts, event wording, dilemma presets, play mode) live in
their own modules and are tested without a browser; ``app.py`` is the Solara page.
"""
