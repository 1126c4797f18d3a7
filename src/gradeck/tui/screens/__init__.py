"""The study app's screens: each holds one kind of interaction and composes widgets."""
