"""Headless sub-commands of ``python -m mgstudio`` (one module each)."""
