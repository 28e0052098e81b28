#!/usr/bin/env python3
"""A scripted browser for `cwsauth login --browser-command`: follows the authorize URL to the
hosted UI's sign-in form, submits it, and follows the redirect to the loopback listener.
BROWSER_MODE: sign-in (default), cancel, tamper-state; flood (300 forged callbacks first); foreign-page (a page elsewhere sends
the browser to the callback with its own code and state, then the real sign-in returns); hostile (stray requests around a
real sign-in: a foreign Host, a POST, another path)."""
import html, os, re, sys, urllib.error, urllib.parse, urllib.request

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

url = sys.argv[-1]
mode = os.environ.get("BROWSER_MODE", "sign-in")
# A browser keeps the hosted UI's cookies (its XSRF token) between the page and the post.
import http.cookiejar
opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

def location(req, data=None):
    try:
        opener.open(req, data)
    except urllib.error.HTTPError as e:
        if e.code in (301, 302, 303):
            return e.headers["Location"]
        raise
    raise SystemExit("expected a redirect")

# Cognito redirects /oauth2/authorize to /login; some hosts serve the form at once.
try:
    resp = opener.open(url)
    login, page = url, resp.read().decode()
except urllib.error.HTTPError as e:
    if e.code not in (301, 302, 303):
        raise
    login = urllib.parse.urljoin(url, e.headers["Location"])
    page = opener.open(login).read().decode()
base = login.split("/login")[0]
if mode == "cancel":
    href = re.search(r'href="(/login/cancel[^"]+)"', page).group(1).replace("&amp;", "&")
    callback = location(base + href)
else:
    form_html = re.search(r"<form[^>]*>(.*?)</form>", page, re.S).group(0)
    action = re.search(r'action="([^"]+)"', form_html).group(1).replace("&amp;", "&")
    # Every input the form carries (hidden fields included), then the credentials.
    form = {}
    for tag in re.findall(r"<input[^>]*>", form_html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            form[name.group(1)] = html.unescape(value.group(1)) if value else ""
    form["username"] = os.environ.get("BROWSER_USER", "demo")
    form["password"] = os.environ.get("BROWSER_PASSWORD", "Demo-Passw0rd!")
    callback = location(urllib.parse.urljoin(login, action), urllib.parse.urlencode(form).encode())
if mode == "tamper-state":
    callback = re.sub(r"state=[^&]+", "state=forged", callback)

def visit(url, method="GET", headers=None):
    """Status, <h1> and the headers that would let a page go further (redirect, CORS)."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        resp = opener.open(req)
        status, body, hdrs = resp.status, resp.read().decode(), resp.headers
    except urllib.error.HTTPError as e:
        status, body, hdrs = e.code, e.read().decode(), e.headers
    h1 = re.search(r"<h1>(.*?)</h1>", body)
    extra = [f"{h}={hdrs[h]}" for h in ("Location", "Refresh", "Access-Control-Allow-Origin") if hdrs[h]]
    return " ".join([str(status), h1.group(1) if h1 else "-"] + extra)

if mode == "foreign-page":
    # The attacker's own code and state, sent from the attacker's page; then the user's own
    # sign-in comes back, as it would in the browser.
    forged = re.sub(r"code=[^&]+", "code=attackers-code", re.sub(r"state=[^&]+", "state=attackers-state", callback))
    print(visit(forged, headers={"Referer": "https://evil.example/", "Origin": "https://evil.example"}), flush=True)
    print(visit(callback), flush=True)
    sys.exit(0)
if mode == "flood":
    # A page that fires 300 forged callbacks before the user's own comes back.
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    codes = [visit(forged).split()[0] for _ in range(300)]
    print(f"{len(codes)} forged: {sorted(set(codes))}", flush=True)
    print(visit(callback), flush=True)
    sys.exit(0)
if mode == "hostile":
    parts = urllib.parse.urlsplit(callback)
    print(visit(callback, headers={"Host": "evil.example:%d" % parts.port}))
    print(visit(callback, method="POST"))
    print(visit(urllib.parse.urlunsplit(parts._replace(path="/other"))))
    print(visit(callback), flush=True)
    sys.exit(0)
print(visit(callback), flush=True)
