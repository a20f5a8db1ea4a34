#!/usr/bin/env python3
"""tests/report/browser.py --nfemu NFEMU: the --report page in a real headless Chromium
(Debian's chromium and chromium-driver; exit 77 where they are absent).  Python's stdlib only:
1. `chromium --headless --screenshot` of the router's report: no console errors in Chromium's
   log, and the PNG is not blank (decoded here: more than a few colours);
2. chromedriver over HTTP (WebDriver): the page loads without console errors, the fate filter
   keeps only drops, clicking a packet draws its hooks with the deciding rule highlighted;
3. a 100,000-packet report loads within a generous bound and keeps only a window of rows in
   the DOM, the last packet reachable by scrolling."""
import argparse, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, zlib
import urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def replay(nfemu, case, capture, out):
    subprocess.run([nfemu, "replay", "--topology", os.path.join(ROOT, "pcaps", case, "topology"),
                    "--rules", os.path.join(ROOT, "pcaps", case, "rules.v4"), "--report", out, capture],
                   check=True, stdout=subprocess.DEVNULL)


def png_colours(path):
    """The number of distinct pixels of an 8-bit RGB/RGBA PNG (filters undone)."""
    data = open(path, "rb").read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, colours = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set()
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 7):
            colours.add(bytes(line[x:x + 3]))
        prev = line
    return len(colours)


def screenshot(page, d):
    png = os.path.join(d, "shot.png")
    r = subprocess.run([CHROMIUM] + FLAGS + ["--user-data-dir=" + os.path.join(d, "prof-shot"),
                       "--enable-logging=stderr", "--v=0", "--screenshot=" + png, "file://" + page],
                       capture_output=True, text=True, timeout=120)
    errors = [l for l in r.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    if errors:
        fail("console errors:\n" + "\n".join(errors))
    if not os.path.exists(png):
        fail("no screenshot: " + r.stderr[-2000:])
    n = png_colours(png)
    if n < 8:
        fail("the screenshot is blank (%d colours)" % n)
    print("screenshot: %d colours sampled" % n)


class Driver:
    def __init__(self, d):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.proc = subprocess.Popen([DRIVER, "--port=%d" % self.port], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM, "args": FLAGS + ["--user-data-dir=" + os.path.join(d, "prof-wd")]},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None, timeout=300):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())["value"]

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def errors(self):
        log = self.s("POST", "/se/log", {"type": "browser"})
        return [e["message"] for e in log if e["level"] == "SEVERE"]

    def close(self):
        try:
            self.call("DELETE", "/session/" + self.sid)
        finally:
            self.proc.terminate()
            self.proc.wait()


def interact(drv, page):
    drv.s("POST", "/url", {"url": "file://" + page})
    if drv.js("return document.body.dataset.ready") != "1":
        fail("the page did not finish loading")
    total = drv.js("return document.querySelectorAll('.row').length")
    drv.js("var s=document.getElementById('f-fate'); s.value='drop'; s.dispatchEvent(new Event('input'));")
    rows = drv.js("return Array.from(document.querySelectorAll('.row')).map(r => r.className)")
    if not rows or len(rows) >= total or any("v-drop" not in c for c in rows):
        fail("the fate filter: %d rows before, %s after" % (total, rows))
    drv.js("Array.from(document.querySelectorAll('.row')).find(r => r.textContent.indexOf('DROP by filter:') >= 0).click()")
    stages = drv.js("return document.querySelectorAll('#diagram .stage:not(.off)').length")
    deciding = drv.js("var e=document.querySelector('#diagram .deciding'); return e ? e.textContent : null")
    if stages < 1 or not deciding:
        fail("the diagram: %s stages, deciding step %r" % (stages, deciding))
    print("filter: %d of %d rows are drops; diagram: %d stages, deciding %s" % (len(rows), total, stages, deciding))
    errs = drv.errors()
    if errs:
        fail("console errors: %s" % errs)


def write_pcap(path, n):
    """n UDP packets 192.0.2.10 -> 198.51.100.x:53 on the edge topology's lan0 (forwarded)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        eth = bytes.fromhex("020000000101" "02000000010a" "0800")
        for i in range(n):
            udp = struct.pack(">HHHH", 10000 + i % 50000, 53, 8 + 4, 0) + b"abcd"
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0,
                             bytes([192, 0, 2, 10]), bytes([198, 51, 100, 1 + i % 200]))
            s = sum(struct.unpack(">10H", ip))
            s = (s & 0xffff) + (s >> 16)
            s = (s & 0xffff) + (s >> 16)
            ip = ip[:10] + struct.pack(">H", ~s & 0xffff) + ip[12:]
            frame = eth + ip + udp
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(frame), len(frame)))
            f.write(frame)


def big(drv, nfemu, d, n, bound):
    cap, page = os.path.join(d, "big.pcap"), os.path.join(d, "big.html")
    write_pcap(cap, n)
    replay(nfemu, "edge", cap, page)
    t0 = time.monotonic()
    drv.s("POST", "/url", {"url": "file://" + page})
    while drv.js("return document.body.dataset.ready") != "1":
        if time.monotonic() - t0 > bound:
            fail("%d packets: not loaded after %d s" % (n, bound))
        time.sleep(0.2)
    took = time.monotonic() - t0
    count = drv.js("return document.getElementById('count').textContent")
    rows = drv.js("return document.querySelectorAll('.row').length")
    shown = int(count.split()[0])
    if shown < n or not count.startswith("%d of %d" % (shown, shown)) or not 0 < rows < 200:
        fail("%d packets: %r, %d rows in the DOM" % (n, count, rows))
    last = drv.js("var l=document.getElementById('list'); l.scrollTop=l.scrollHeight; l.dispatchEvent(new Event('scroll'));"
                  "var r=Array.from(document.querySelectorAll('.row')); return r[r.length-1].textContent")
    if not last.startswith("#%d" % n):
        fail("%d packets: the last row drawn is %r" % (n, last))
    errs = drv.errors()
    if errs:
        fail("console errors: %s" % errs)
    print("%d packets (%.1f MB page): loaded in %.1f s, %d rows in the DOM" %
          (n, os.path.getsize(page) / 1e6, took, rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("--packets", type=int, default=100000)
    a = ap.parse_args()
    for p in (CHROMIUM, DRIVER):
        if not os.access(p, os.X_OK):
            print("SKIP: %s is not installed (apt-get install chromium chromium-driver)" % p)
            sys.exit(77)
    d = tempfile.mkdtemp(prefix="nfemu-report-")
    try:
        page = os.path.join(d, "router.html")
        replay(a.nfemu, "router", os.path.join(ROOT, "pcaps", "router", "capture.pcapng"), page)
        screenshot(page, d)
        drv = Driver(d)
        try:
            interact(drv, page)
            big(drv, a.nfemu, d, a.packets, 120)
        finally:
            drv.close()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("ok")


main()
