#!/usr/bin/env python3
# The web server of case 81: python's http.server, bound to ADDR:PORT (argv), answering every
# GET with a fixed page in one write and closing (HTTP/1.0).  No Date or Server header: they
# would differ from run to run, and the capture holds the page as the server sends it.  The
# server's name is not looked up (HTTPServer.server_bind asks the resolver, which in a
# namespace without DNS takes seconds before the socket listens).
import http.server
import socketserver
import sys
import time


class Server(http.server.HTTPServer):
    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from nfemu\n"
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def finish(self):
        # A client that closes without asking anything: wait before closing too, so that
        # the kernel's delayed ACK of its FIN always goes first, on its own (without the wait
        # the close races the delayed-ACK timer, and the FIN may carry the ACK instead).
        if not getattr(self, "raw_requestline", b"x"):
            time.sleep(0.3)
        super().finish()

    def log_message(self, *args):
        pass


Server((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
