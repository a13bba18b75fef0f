"""Data files shipped with heart-sim (see SOURCES.md in this folder)."""
