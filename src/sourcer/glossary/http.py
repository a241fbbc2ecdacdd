"""The one HTTP function: fetch a page politely and safely, or say exactly why not.

A ``requests`` session with a User-Agent naming sourcer, connect and read timeouts on every
call, retries with backoff for 429 and 5xx answers through urllib3's ``Retry`` (which honours
``Retry-After``), redirects followed by hand so that each hop must be http or https, a
content-type check, and a body size cap enforced while the body streams in. Every error names
the URL and the cause.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from sourcer import __version__
from sourcer.errors import FetchError

USER_AGENT = (
    f"sourcer/{__version__} (recruiter glossary import; +https://pypi.org/project/sourcer/)"
)
TIMEOUT = (5.0, 5.0)  # connect, read (seconds): a glossary page is small
MAX_BYTES = 2_000_000
MAX_REDIRECTS = 5
RETRY_STATUSES = (429, 500, 502, 503, 504)
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class Page(NamedTuple):
    """A fetched page: where it ended up, its type and its text."""

    url: str
    content_type: str
    text: str


#: longest wait a server's Retry-After may ask for, in seconds
MAX_RETRY_AFTER = 3.0
#: longest a whole fetch may take, redirects, retries and reading included, in seconds
DEADLINE = 15.0


class CappedRetry(Retry):
    """urllib3's retries, waiting at most MAX_RETRY_AFTER whatever Retry-After says."""

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(float(wait), MAX_RETRY_AFTER)


def make_session(*, retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """A session whose every request retries 429/5xx answers (``retries`` times) and a
    failed connection or read (once: a silent server must not hold us for long)."""
    retry = CappedRetry(
        total=retries,
        connect=min(retries, 1),
        read=min(retries, 1),
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer is kept, and raise_for_status names it
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "text/html, text/plain;q=0.9"
    return session


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        raise FetchError(f"{url}: only http and https are fetched (this is {shown})")


def fetch(
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE,
    clock: Callable[[], float] = time.monotonic,
) -> Page:
    """GET ``url`` and return its text; FetchError naming the URL and the cause otherwise.
    The whole fetch ends after ``deadline`` seconds, however slowly the server answers."""
    session = session or make_session()
    current = url
    ends = clock() + deadline

    def in_time() -> None:
        if clock() > ends:
            raise FetchError(f"{current}: no complete answer within {deadline:g} s; try later")

    for _ in range(MAX_REDIRECTS + 1):
        check_scheme(current)
        in_time()
        try:
            response = session.get(current, timeout=timeout, stream=True, allow_redirects=False)
        except UnicodeDecodeError as err:  # requests reading a redirect's Location
            raise FetchError(
                f"{current}: redirected to an address that is not UTF-8 text; "
                "open the page in a browser and import the address it ends at"
            ) from err
        except requests.exceptions.Timeout as err:
            raise FetchError(f"{current}: timed out ({_cause(err)})") from err
        except requests.exceptions.ConnectionError as err:
            cause = _cause(err)
            # a read timeout that outlasted its retries arrives as a ConnectionError
            what = "timed out" if "timed out" in cause.lower() else "cannot connect"
            raise FetchError(f"{current}: {what} ({cause})") from err
        except requests.exceptions.RequestException as err:
            raise FetchError(f"{current}: {_cause(err)}") from err
        with response:
            if response.is_redirect:
                # headers arrive as Latin-1: read the bytes as UTF-8, as browsers do, and
                # percent-encode whatever is not plain URL text (spaces, controls, accents)
                location = response.headers.get("Location", "")
                with contextlib.suppress(UnicodeError):
                    location = location.encode("latin-1").decode("utf-8")
                target = quote(urljoin(current, location), safe=URL_SAFE)
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise FetchError(
                        f"{current}: redirected to {target}; only http and https are followed"
                    )
                current = target
                continue
            try:
                response.raise_for_status()
            except requests.exceptions.HTTPError as err:
                reason = response.reason or ""
                raise FetchError(
                    f"{current}: HTTP {response.status_code} {reason}".rstrip()
                ) from err
            content_type = response.headers.get("Content-Type", "")
            media = content_type.split(";")[0].strip().lower()
            if media not in TEXT_TYPES:
                raise FetchError(
                    f"{current}: content type {media or 'missing'!r} is not a web page "
                    "(expected text/html or text/plain)"
                )
            body = _read_capped(response, current, max_bytes, in_time)
            return Page(current, media, _decode(body, response, current, media))
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read_capped(
    response: requests.Response, url: str, max_bytes: int, in_time: Callable[[], None]
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: page is {int(declared):,} bytes, over the {max_bytes:,} limit")
    chunks: list[bytes] = []
    size = 0
    # read1 returns whatever has arrived, so the deadline is checked after every trickle; a
    # plain read of 64 KiB would wait for all of it, a byte at a time, for hours.
    read1 = getattr(response.raw, "read1", None)
    pieces: Iterator[bytes] = (
        iter(lambda: read1(65536, decode_content=True), b"")
        if read1 is not None
        else response.iter_content(chunk_size=65536)
    )
    try:
        for chunk in pieces:
            in_time()  # a server dripping one byte a second cannot hold us
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: page is over the {max_bytes:,}-byte limit")
            chunks.append(chunk)
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as err:
        raise FetchError(f"{url}: the connection broke while reading ({_cause(err)})") from err
    return b"".join(chunks)


def _decode(body: bytes, response: requests.Response, url: str, media: str) -> str:
    """The declared charset (HTTP header, or an HTML meta tag), else UTF-8; never a guess."""
    charset = _charset(response.headers.get("Content-Type", ""))
    if charset is None and media != "text/plain":
        from bs4.dammit import EncodingDetector

        declared = EncodingDetector.find_declared_encoding(body, is_html=True)
        charset = declared or None
    try:
        if charset is not None and not _is_page_charset(charset):
            raise LookupError(charset)
        return body.decode(charset or "utf-8")
    except LookupError as err:
        raise FetchError(f"{url}: unknown character set {charset!r}") from err
    except UnicodeError as err:  # not only UnicodeDecodeError: some codecs raise the base
        named = f"its declared {charset}" if charset else "UTF-8, and it declares no charset"
        at = f" (byte {err.start})" if isinstance(err, UnicodeDecodeError) else ""
        raise FetchError(f"{url}: the page is not {named}{at}") from err


#: Characters a URL keeps as they are; anything else (spaces, controls, non-ASCII) is %-encoded.
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"

#: Python codecs that decode bytes but are no character set a web page can be written in.
_NOT_PAGE_CHARSETS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined"}


def _is_page_charset(charset: str) -> bool:
    import codecs

    info = codecs.lookup(charset)  # LookupError for a name Python does not know
    return getattr(info, "_is_text_encoding", True) and info.name not in _NOT_PAGE_CHARSETS


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"').lower()
    return None


def _cause(err: BaseException) -> str:
    """The innermost reason, without urllib3's long wrapping."""
    reason = err
    while True:
        inner = getattr(reason, "reason", None) or (reason.args[0] if reason.args else None)
        if isinstance(inner, BaseException) and inner is not reason:
            reason = inner
            continue
        break
    text = str(reason) or type(reason).__name__
    return text if len(text) <= 160 else text[:157] + "..."
