"""The second factor of a local account: TOTP (RFC 6238, through pyotp) and ten one-time recovery codes.

People who log in through the region's identity provider get their second factor there (SITHS card);
this is for the accounts that keep a local password: suppliers and a break-glass admin.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..models import utcnow
from .models import RecoveryCode, User

ISSUER = "HMC katalog"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 16  # about 78 random bits: a fast hash is enough, as for API tokens
VALID_WINDOW = 1  # one 30-second step either side, for clocks a little off


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    import pyotp  # imported when used: every process that builds the app would load it

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, name: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    import pyotp  # imported when used: every process that builds the app would load it

    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an SVG document (reportlab draws it; no image leaves the server)."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 220
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    return svg[svg.index("<svg") :]


def _step_accepted(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step ``code`` is valid for (within the window), or None; a step at or before ``last_step``
    (a code already used) is not accepted."""
    import pyotp

    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enrol(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Turn on the second factor with ``secret`` once ``code`` proves the app has it. Returns the ten recovery
    codes (shown once, stored hashed), or None for a wrong code (nothing changes). Replaces earlier codes."""
    step = _step_accepted(secret, code, None)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    codes = _new_recovery_codes(session, user)
    record(session, actor=user.name, action="user.mfa_enrol", object_type="user", object_id=user.id)
    return codes


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(codes[-1])))
    session.flush()
    return codes


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def verify(session: Session, user: User, code: str) -> str | None:
    """Check a second-factor ``code``: a TOTP code not used before, or an unused recovery code (used up
    here). Returns "totp" or "recovery", or None for a wrong code. Changes the person's last TOTP step or
    marks the recovery code used, and audits a recovery code's use."""
    if not user.totp_secret or not code or len(code) > 40:
        return None
    step = _step_accepted(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        session.flush()
        return "totp"
    digest = _hash(code)
    for recovery in session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if hmac.compare_digest(recovery.code_hash, digest):
            recovery.used_at = utcnow()
            session.flush()
            record(session, actor=user.name, action="user.mfa_recovery_code", object_type="user", object_id=user.id)
            return "recovery"
    return None


def recovery_codes_left(session: Session, user: User) -> int:
    """How many unused recovery codes the person has."""
    return len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
            )
        )
    )
