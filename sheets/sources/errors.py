"""The one error a remote source raises (Google Sheets, Microsoft 365), in a module of its own so
the command line can recognise it without importing gspread or msal."""

from __future__ import annotations


class SourceError(Exception):
    """The sheet could not be read; the message is Dutch, safe to show, and free of secrets."""
