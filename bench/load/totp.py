"""The 6-digit TOTP code (RFC 6238, 30 s, SHA-1) of a hex key: what the user's authenticator app shows."""

import hashlib
import hmac
import struct
import time


def totp(key_hex, at=None, step=30, digits=6):
    counter = int((at or time.time()) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
