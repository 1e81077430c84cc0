"""heypeter-tui: a terminal dashboard that runs a production deployment from its checklist."""

__version__ = "0.1.0"
