"""Authentication: two-factor (TOTP) for accounts with personal data, lockout, session timeouts, optional OIDC.

See docs/security.md § Authenticatie.
"""
