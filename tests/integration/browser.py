#!/usr/bin/env python3
"""A scripted browser for `cwsauth login --browser-command`: follows the authorize URL to the
hosted UI's sign-in form, submits it, and follows the redirect to the loopback listener.
BROWSER_MODE: sign-in (default), cancel, tamper-state."""
import os, re, sys, urllib.error, urllib.parse, urllib.request

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

url = sys.argv[-1]
mode = os.environ.get("BROWSER_MODE", "sign-in")
opener = urllib.request.build_opener(NoRedirect)

def location(req, data=None):
    try:
        opener.open(req, data)
    except urllib.error.HTTPError as e:
        if e.code in (301, 302, 303):
            return e.headers["Location"]
        raise
    raise SystemExit("expected a redirect")

login = urllib.parse.urljoin(url, location(url))
page = urllib.request.urlopen(login).read().decode()
base = login.split("/login")[0]
if mode == "cancel":
    href = re.search(r'href="(/login/cancel[^"]+)"', page).group(1).replace("&amp;", "&")
    callback = location(base + href)
else:
    action = re.search(r'action="([^"]+)"', page).group(1).replace("&amp;", "&")
    form = {"username": os.environ.get("BROWSER_USER", "demo"),
            "password": os.environ.get("BROWSER_PASSWORD", "Demo-Passw0rd!")}
    callback = location(base + action, urllib.parse.urlencode(form).encode())
if mode == "tamper-state":
    callback = re.sub(r"state=[^&]+", "state=forged", callback)
try:
    body = urllib.request.urlopen(callback).read().decode()
    status = 200
except urllib.error.HTTPError as e:
    body, status = e.read().decode(), e.code
print(status, re.search(r"<h1>(.*?)</h1>", body).group(1), flush=True)
