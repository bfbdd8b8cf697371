"""The dns check: web records, email authentication, certificates and drift (see check.py)."""
