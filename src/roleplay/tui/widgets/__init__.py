"""Widgets the screens are built from: chat log, mood meter, steps panel, progress chart."""
