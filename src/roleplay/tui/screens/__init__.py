"""The app's screens: picker, conversation, debrief, history, help and dialogs."""
