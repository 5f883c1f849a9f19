"""Administration: every account (password resets, second factors, tokens) and the audit trail."""
