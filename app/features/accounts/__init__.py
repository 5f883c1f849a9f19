"""Professional accounts: structures, users, passwords, sessions, API tokens, role guards."""

from app.features.accounts.guards import PAGE_ERRORS, current_user, logged_in_user
from app.features.accounts.service import AccountError, AccountProblem, AccountService

__all__ = [
    "PAGE_ERRORS",
    "AccountError",
    "AccountProblem",
    "AccountService",
    "current_user",
    "logged_in_user",
]
