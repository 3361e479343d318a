#!/usr/bin/python3
"""The web pages as a person uses them, in a real headless Chromium (Debian
`chromium`, driven over its DevTools protocol with python3-websocket): log
in, see every barcode of the simulated library, start a backup, watch its
progress bar reach done. Saves screenshots of the library and of the finished job.

usage: web_ui_test.py TAPEGATE WORKDIR SCREENSHOT

Starts its own `tapegate serve --http 127.0.0.1:PORT` and its own Chromium
and stops both by pid. Waits are bounded by counts of polls, and a failure
says what the page showed.
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import websocket  # python3-websocket

TAPEGATE, WORK, SHOT = sys.argv[1], sys.argv[2], sys.argv[3]
BOARD = "sim:drives=2,slots=8,mailslots=2,cartridges=4,cartridge-mb=64"
STATE = os.path.join(WORK, "state")
procs = []


def fail(msg):
    print("web_ui_test: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def run(*args):
    r = subprocess.run([TAPEGATE, "--board", BOARD, "--state", STATE, *args], capture_output=True, text=True)
    if r.returncode != 0:
        fail("tapegate %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def poll(what, check, tries=600, every=0.1):
    for _ in range(tries):
        v = check()
        if v:
            return v
        time.sleep(every)
    fail("gave up waiting for " + what)


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    fail("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            fail("script %r threw: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")


def save_screenshot(page, path):
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    # A repository of one VM (a full and an incremental), a pool, an operator.
    repo = os.path.join(WORK, "repo", "vm-101")
    os.makedirs(repo)
    with open(os.path.join(repo, "full.vbk"), "wb") as f:
        f.write(os.urandom(24 << 20))
    with open(os.path.join(repo, "inc-1.vib"), "wb") as f:
        f.write(os.urandom(1 << 20))
    pw = os.path.join(WORK, "pw")
    with open(pw, "w") as f:
        f.write("operator-password\n")
    os.chmod(pw, 0o600)
    run("user", "add", "olga", "--role", "operator", "--password-file", pw)
    run("pool", "create", "weekly")

    port = free_port()
    log = open(os.path.join(WORK, "serve.log"), "w")
    serve = subprocess.Popen([TAPEGATE, "--board", BOARD, "--state", STATE, "serve", "--socket",
                              os.path.join(WORK, "tapegate.sock"), "--http", "127.0.0.1:%d" % port],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    procs.append(serve)
    base = "http://127.0.0.1:%d" % port

    def serving():
        if serve.poll() is not None:
            fail("tapegate serve exited: " + open(os.path.join(WORK, "serve.log")).read())
        try:
            return urllib.request.urlopen(base + "/ui/", timeout=2).status == 200
        except OSError:
            return False
    poll("the service's web server", serving)

    # What the page must show: the barcodes the API reports.
    req = urllib.request.Request(base + "/api/v1/inventory")
    req.add_header("Authorization", "Basic " + base64.b64encode(b"olga:operator-password").decode())
    inv = json.load(urllib.request.urlopen(req, timeout=30))
    expected = sorted(e["barcode"] for part in ("drives", "slots", "mail_slots") for e in inv[part] if e["full"])
    if len(expected) != 4:
        fail("the simulated library should hold 4 cartridges: %s" % expected)

    profile = os.path.join(WORK, "chromium-profile")
    chromium = subprocess.Popen(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 "--disable-dev-shm-usage", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                                 "--window-size=1000,1400", "about:blank"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(WORK, "chromium.log"), "w"))
    procs.append(chromium)
    active = os.path.join(profile, "DevToolsActivePort")
    poll("Chromium's DevTools port", lambda: os.path.exists(active) and open(active).read().count("\n") >= 1)
    devtools = int(open(active).read().split("\n")[0])
    targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % devtools, timeout=10))
    page_target = [t for t in targets if t["type"] == "page"][0]
    page = Page(page_target["webSocketDebuggerUrl"])
    page.call("Page.enable")
    page.call("Runtime.enable")

    page.call("Page.navigate", url=base + "/")
    poll("the login form", lambda: page.js("!!document.getElementById('login-form') && "
                                           "!document.getElementById('login').hidden"))
    # Typing as a person does: focus each field, insert the text, press Enter.
    for field, text in (("login-user", "olga"), ("login-password", "operator-password")):
        page.js("document.getElementById('%s').focus()" % field)
        page.call("Input.insertText", text=text)
    page.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13,
              text="\r")
    page.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)

    shown = poll("the library's barcodes", lambda: page.js(
        "(() => { const b = [...document.querySelectorAll('#view-library .barcode')].map(e => e.textContent);"
        " return b.length ? b.sort() : null; })()"))
    if shown != expected:
        fail("the library page shows %s, the library holds %s" % (shown, expected))
    save_screenshot(page, SHOT.replace(".png", "_library.png"))
    who = page.js("document.getElementById('who-name').textContent")
    if who != "olga (operator)":
        fail("logged in as %r" % who)

    # The Drives page, and one drive's TapeAlert flags and MAM on request.
    page.js("location.hash = '#drives'")
    poll("the drives page", lambda: page.js("!!document.querySelector('.job[data-drive=\"drive0\"] button')"))
    page.js("document.querySelector('.job[data-drive=\"drive0\"] button').click()")
    details = poll("drive0's details", lambda: page.js(
        "(() => { const t = document.querySelector('.job[data-drive=\"drive0\"]').innerText;"
        " return t.includes('TapeAlert:') ? t : null; })()"))
    if "TAPEGATE" not in details:
        fail("drive0's details do not name its vendor: " + details)

    # Start a backup from the Jobs page.
    page.js("location.hash = '#jobs'")
    poll("the backup form", lambda: page.js("!document.getElementById('view-jobs').hidden"))
    for field, text in (("backup-source", os.path.join(WORK, "repo")), ("backup-pool", "weekly")):
        page.js("document.getElementById('%s').focus()" % field)
        page.call("Input.insertText", text=text)
    page.js("document.querySelector('#backup-form button[type=submit]').click()")
    message = poll("the started job's number", lambda: page.js(
        "(() => { const m = document.getElementById('message').textContent; return m.startsWith('Started job') || "
        "document.getElementById('message').className === 'error' ? m : null; })()"))
    if not message.startswith("Started job"):
        fail("starting the backup: " + message)
    job = message.split()[2].rstrip(".")

    seen_moving = []

    def finished():
        card = page.js("(() => { const c = document.querySelector('.job[data-job=\"%s\"]'); if (!c) return null;"
                       " const p = c.querySelector('progress');"
                       " return {state: c.dataset.state, value: p.value, max: p.max}; })()" % job)
        if card and card["state"] == "running":
            seen_moving.append(card["value"])
        return card if card and card["state"] in ("succeeded", "failed", "cancelled") else None
    card = poll("job %s to end" % job, finished, tries=1200)
    if card["state"] != "succeeded":
        fail("job %s ended %s: %s" % (job, card["state"], page.js("document.getElementById('jobs-list').innerText")))
    if card["value"] != card["max"] or card["max"] < 25 << 20:
        fail("job %s's progress bar ended at %s of %s" % (job, card["value"], card["max"]))

    save_screenshot(page, SHOT)
    print("web_ui_test: logged in, saw %s, job %s succeeded (%d progress samples while running); screenshot %s"
          % (" ".join(shown), job, len(seen_moving), SHOT))


try:
    main()
finally:
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
