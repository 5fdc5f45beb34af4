"""Errors a user can act on: the CLI prints them as one line, without a traceback.

A shared utility at the bottom of kg: imports nothing."""


class KGError(Exception):
    """Base class: the message is meant for the user."""


class InputError(KGError):
    """Bad input: a corpus file, a query, an option."""


class WorkspaceError(KGError):
    """A missing, corrupt or locked workspace."""


class QueryError(KGError):
    """A malformed or refused query."""


class UpdateRefused(QueryError):
    """A SPARQL update sent to the read-only graph (the server answers it with 403)."""
