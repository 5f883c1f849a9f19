"""Professional accounts: structures, users, passwords, sessions, API tokens, role guards."""
