"""The TOTP devices (django-otp) get an audit history like every other model: enrolling, verifying (and a
wrong code, which counts towards throttling) and resetting are writes that name the acting user.

The secret itself is not copied into the history.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history import register

from bzt.audit import AuditedHistory

register(TOTPDevice, app="bzt.auth", records_class=AuditedHistory, excluded_fields=["key"])
