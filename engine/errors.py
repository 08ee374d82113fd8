"""Typed errors raised by the engine. Each carries a message meant for a person."""


class TrellisError(Exception):
    """Base of every error the engine raises on purpose."""


class JourneyEditError(TrellisError):
    """An edit of a journey graph broke one of its rules (nothing was changed)."""


class UnknownNodeType(TrellisError):
    """A node type id that the registry does not know."""


class InputError(TrellisError):
    """Bad input from a file, a form or an API call; `where` says where."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.reason = message
