"""Renderers: turn the domain core's values into text for people and other tools.

Each module has one output family (``graph`` draws a scenario's branching as Mermaid or
Graphviz DOT) and imports only what it needs, so that the command line can load one
renderer without the others. Nothing here reads files or prints: a renderer takes values
and returns a string.
"""
