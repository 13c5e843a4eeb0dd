"""An incoming email, parsed from its raw bytes: the standard library's `email` package (policy
`default`) for MIME, encodings and headers, `nh3` (Ammonia) for the HTML body.

An email is untrusted input. What comes out of `parse_message` is safe to store and display:
- the HTML body is sanitised (no script, no style, no event attribute, no form, no image: a
  remote image would tell the sender that the email was opened), links get
  `rel="noopener noreferrer"`;
- every header is decoded (RFC 2047) into text, the identifiers normalised;
- attachments are bytes with their declared name and type, never interpreted here.

What cannot be read raises `UnparseableMail` with a French reason: the caller quarantines the
raw bytes (never dropped). Pure function of the bytes: the same raw gives the same result, a
missing Message-ID included (synthesised from a hash of the bytes).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import html as html_lib
import re
from dataclasses import dataclass
from email import errors as email_errors
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

SYNTHETIC_DOMAIN = "pfspilot.invalid"

# Tags and attributes kept in an HTML body: text structure, lists, tables, links. No image (a
# tracking pixel is a remote image), no form, no style (CSS can hide text or load URLs).
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q",
    "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "*": {"dir", "lang", "title"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# RFC 3834 and the de facto headers of autoresponders.
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}

_MSG_ID = re.compile(r"<([^<>\s]+)>")
# A multipart body whose parts cannot be found: nothing of the message can be read reliably.
_FATAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)


class UnparseableMail(Exception):
    """A message that cannot be read: `reason` (French) says why; the raw goes to quarantine."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # as declared by the sender, path and control characters removed
    content_type: str  # as declared (lower case), never trusted to decide anything but display
    size: int  # bytes, decoded
    payload: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # "<id@domain>", domain in lower case; synthesised when missing
    in_reply_to: str | None
    references: tuple[str, ...]
    from_address: str  # lower case
    from_name: str
    to: tuple[str, ...]
    subject: str
    sent_at: dt.datetime | None  # aware; None when the Date header is missing or unreadable
    text: str  # the plain text body, or the text of the HTML body when there is no plain one
    html: str | None  # sanitised (nh3); None when the message has no HTML body
    attachments: tuple[ParsedAttachment, ...]
    auto_submitted: bool
    bounce: bool


def normalise_message_id(value: str | None) -> str | None:
    """The first identifier of a Message-ID-like header as "<local@domain>", domain in lower
    case; None when there is none. A bare "local@domain" without brackets is accepted."""
    ids = message_ids(value)
    return ids[0] if ids else None


def message_ids(value: str | None) -> tuple[str, ...]:
    """Every identifier of an In-Reply-To or References header, normalised, in order, once."""
    if not value:
        return ()
    text = " ".join(str(value).split())
    found = _MSG_ID.findall(text)
    if not found:
        found = [token for token in text.split() if "@" in token and "<" not in token]
    out: list[str] = []
    for inner in found:
        local, at, domain = inner.rpartition("@")
        normalised = f"<{local}@{domain.lower()}>" if at and local else f"<{inner}>"
        if normalised not in out:
            out.append(normalised)
    return tuple(out)


def synthetic_message_id(raw: bytes) -> str:
    """A Message-ID for a message without one: the same bytes always give the same id."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@{SYNTHETIC_DOMAIN}>"


def sanitise_html(html: str) -> str:
    """HTML that can be shown in a page: nh3 with the tags, attributes and schemes above."""
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (script and style contents dropped)."""
    blocks = re.sub(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", "\n", html)
    text = html_lib.unescape(nh3.clean(blocks, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _header(message: EmailMessage, name: str) -> str | None:
    """A header as decoded text (RFC 2047), None when absent; an undecodable one as raw text."""
    try:
        value = message.get(name)
    except Exception:  # a header so malformed that the policy's parser gives up
        value = message.get_all(name, failobj=[None])[0]
    if value is None:
        return None
    return " ".join(str(value).split())


def _raw_header(message: EmailMessage, name: str) -> str | None:
    """The header as it came (folded lines joined), without the policy's structured parsing."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return None


def _text_of(part: EmailMessage) -> str:
    """The decoded text of a text/* part; an unknown or lying charset does not stop the reading."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True) or b""
        for charset in (part.get_content_charset(), "utf-8"):
            if not charset:
                continue
            try:
                return payload.decode(charset)
            except (LookupError, UnicodeError):
                continue
        return payload.decode("latin-1")


def _clean_filename(name: str | None, index: int, content_type: str) -> str:
    name = name or ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if not name:
        subtype = content_type.split("/", 1)[-1]
        name = f"piece-jointe-{index}.{re.sub(r'[^a-z0-9]', '', subtype)[:8] or 'bin'}"
    return name[:200]


def _payload(part: EmailMessage) -> bytes:
    if part.get_content_maintype() == "message":
        # A forwarded message (message/rfc822) is kept whole, as bytes.
        inner = part.get_payload()
        if isinstance(inner, list):
            inner = inner[0] if inner else b""
        return inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner or b"")
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _sent_at(message: EmailMessage) -> dt.datetime | None:
    value = _raw_header(message, "Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None  # "-0000" or no zone: the instant is unknown, not guessed
    return moment


def _is_bounce(message: EmailMessage, from_address: str) -> bool:
    local = from_address.split("@", 1)[0]
    if local in BOUNCE_SENDERS:
        return True
    if message.get_content_type() == "multipart/report":
        if (message.get_param("report-type") or "").lower() == "delivery-status":
            return True
    return any(
        part.get_content_type() in {"message/delivery-status", "message/global-delivery-status"}
        for part in message.walk()
    )


def _is_auto_submitted(message: EmailMessage) -> bool:
    auto = (_raw_header(message, "Auto-Submitted") or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if any(_raw_header(message, name) is not None for name in AUTO_HEADERS):
        return True
    precedence = (_raw_header(message, "Precedence") or "").strip().lower()
    return precedence in AUTO_PRECEDENCE


def _leaves(part: EmailMessage):
    """The leaf parts of a message, in order; a forwarded message (message/rfc822) is one leaf,
    delivery reports (message/delivery-status…) are none: they are read as flags."""
    if part.get_content_maintype() == "message":
        if part.get_content_type() == "message/rfc822":
            yield part
        return
    if part.is_multipart():
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


def _bodies(message: EmailMessage) -> tuple[EmailMessage | None, EmailMessage | None]:
    """(plain part, HTML part) chosen as the body, each None when absent."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return plain, html


def parse_message(raw: bytes) -> ParsedMail:
    """Parses one RFC 5322 message; `UnparseableMail` (French reason) when it cannot be read."""
    if not raw or not raw.strip():
        raise UnparseableMail("Courriel vide : aucun octet reçu.")
    try:
        return _parse(raw)
    except UnparseableMail:
        raise
    except Exception as exc:  # the email package's own failures on broken input
        raise UnparseableMail(
            f"Courriel illisible : l'analyse MIME a échoué ({type(exc).__name__})."
        ) from exc


def _parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not list(message.keys()):
        raise UnparseableMail("Courriel illisible : aucun en-tête (ce n'est pas un courriel).")
    for part in message.walk():
        fatal = [d for d in part.defects if isinstance(d, _FATAL_DEFECTS)]
        if fatal:
            raise UnparseableMail(
                "Courriel illisible : structure MIME rompue "
                f"({type(fatal[0]).__name__}), les parties ne peuvent être séparées."
            )

    from_header = _header(message, "From") or ""
    name, address = parseaddr(_raw_header(message, "From") or "")
    try:
        decoded = message["From"]
        if decoded is not None and decoded.addresses:
            name = decoded.addresses[0].display_name or ""
            address = decoded.addresses[0].addr_spec or address
    except Exception:
        pass
    address = address.strip().lower()
    if "@" not in address:
        raise UnparseableMail(
            "Courriel illisible : pas d'adresse d'expéditeur valable (en-tête From "
            + ("absent)." if not from_header else "sans adresse).")
        )

    message_id = normalise_message_id(_raw_header(message, "Message-ID")) or synthetic_message_id(
        raw
    )
    in_reply_to = normalise_message_id(_raw_header(message, "In-Reply-To"))
    references = message_ids(_raw_header(message, "References"))
    to = tuple(
        addr.strip().lower()
        for _n, addr in getaddresses([_header(message, "To") or "", _header(message, "Cc") or ""])
        if "@" in addr
    )

    plain_part, html_part = _bodies(message)
    html = sanitise_html(_text_of(html_part)).strip() if html_part is not None else None
    if plain_part is not None:
        text = _text_of(plain_part)
    elif html_part is not None:
        text = html_to_text(_text_of(html_part))
    else:
        text = ""
    text = text.replace("\r\n", "\n").strip()

    bodies = {id(plain_part), id(html_part)}
    attachments = []
    for index, part in enumerate(_leaves(message), start=1):
        if id(part) in bodies:
            continue
        if part.get_content_maintype() == "text" and part.get_content_disposition() != "attachment":
            if not part.get_filename():
                continue  # another text alternative (e.g. text/enriched), not a file
        content_type = part.get_content_type().lower()
        payload = _payload(part)
        attachments.append(
            ParsedAttachment(
                filename=_clean_filename(part.get_filename(), index, content_type),
                content_type=content_type,
                size=len(payload),
                payload=payload,
            )
        )
    return ParsedMail(
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        from_address=address,
        from_name=name.strip(),
        to=to,
        subject=_header(message, "Subject") or "",
        sent_at=_sent_at(message),
        text=text,
        html=html,
        attachments=tuple(attachments),
        auto_submitted=_is_auto_submitted(message),
        bounce=_is_bounce(message, address),
    )
