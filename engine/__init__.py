"""Pure rules engine for the taakstelling huisvesting vergunninghouders.

Nothing in this package does I/O or reads the clock: every function takes the date it reasons about.
"""
