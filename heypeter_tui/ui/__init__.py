"""Everything Textual. Reads state from the core and asks it for every change; writes no file itself."""
