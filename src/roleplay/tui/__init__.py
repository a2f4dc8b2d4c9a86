"""The terminal app: pick a scenario, hold the conversation, read the debrief, see progress.

Everything here translates the headless core (scoring, dialogue, transcripts, debrief) to
the screen; no judgement is made in this package.
"""
