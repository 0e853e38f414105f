"""The client's real address behind load balancers, for rate limits and the stored address hash.

Each trusted proxy appends the address it received the request from to X-Forwarded-For; whatever
the visitor wrote there comes before. Werkzeug's ProxyFix takes the entry the outermost trusted
proxy appended (the `count`-th from the right) and makes it REMOTE_ADDR, so a forged header
changes nothing. With no proxy configured, X-Forwarded-For is ignored.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def behind_trusted_proxies(application, count):
    """The WSGI `application`, seeing the client's address as `count` trusted proxies report it."""
    if count <= 0:
        return application
    return ProxyFix(application, x_for=count, x_proto=0, x_host=0, x_port=0, x_prefix=0)
