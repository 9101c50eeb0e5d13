"""Addresses built from the request: absolute URLs, and the pages of a list.

A list's page 1 is the list's own address, never `?page=1` (its canonical
address); other pages add `?page=N`. Links between pages keep only what
chooses the list (a search's `q`), never tracking tags such as
`?from=singlemessage`, which must not spread to every cached page's links.
"""


def page_path(request, number, *, keep=("q",)):
    """The address of page `number` of the list this request shows, keeping
    the query parameters named in `keep`."""
    params = request.GET.copy()
    for name in list(params):
        if name not in keep or not params.get(name):
            del params[name]
    if number > 1:
        params["page"] = number
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


def requested_page(request) -> int:
    """The page number a request asks for (1 when it names none)."""
    page = request.GET.get("page", "")
    return int(page) if page.isdigit() and int(page) > 0 else 1


def absolute_url(request, path) -> str:
    """`path` as an absolute URL on the host and scheme the request came to
    (the scheme from the proxy only when DJANGO_SECURE_PROXY_SSL is on)."""
    return request.build_absolute_uri(path)
