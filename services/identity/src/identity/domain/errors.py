"""Identity domain errors, translated to problem+json at the edge."""


class IdentityError(Exception):
    pass


class EnrollmentNotUsable(IdentityError):
    """Unknown, used or expired confirmation link (deliberately not told apart)."""


class InvalidCredentials(IdentityError):
    """Wrong email, password or jurisdiction (deliberately not told apart)."""
