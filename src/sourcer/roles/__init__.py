"""Roles: a hiring need kept in one file (schema), and reading one from a job posting (jd)."""
