"""The model: checklists, runs and their log. Plain Python; never imports textual."""
