import AsyncHTTPClient
import Controller
import Foundation
import Testing

/// Issue #10 item 9: a health probe never follows a redirect. An engine answering `/health`
/// with 302 to a healthy address is not ready, and the probe never fetches that address.
@Suite("Health probes and redirects")
struct ProbeRedirectTests {
    /// A real HTTP server (Python's http.server): `/health` redirects to `/ok`, which answers
    /// a healthy body and prints "followed" (so the test can tell it was fetched).
    static let script = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == '/health':
                    self.send_response(302); self.send_header('Location', '/ok'); self.send_header('Content-Length', '0'); self.end_headers()
                else:
                    print('followed', flush=True)
                    body = b'{"status":"ok"}'
                    self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    @Test("a /health that redirects is unready with its 3xx, and the redirect target is never fetched")
    func redirectNotFollowed() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let handle = output.fileHandleForReading
        var line = Data()
        while let byte = try handle.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)))

        let client = HTTPHealthProbe.makeClient(timeout: .seconds(5))
        let probe = HTTPHealthProbe(client: client, timeout: .seconds(5))
        let outcome = await probe("http://127.0.0.1:\(port)")
        try await client.shutdown()
        #expect(outcome == .unready("/health answered 302."))
        process.terminate()
        process.waitUntilExit()
        let rest = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        #expect(!rest.contains("followed"), "the probe fetched the redirect target")
    }
}
