import AsyncHTTPClient
import Controller
import Foundation
import TestSupport
import Testing

/// Issue #10 item 9: a health probe never follows a redirect. An engine answering `/health`
/// with 302 to a healthy address is not ready, and the probe never fetches that address.
@Suite("Health probes and redirects")
struct ProbeRedirectTests {
    /// A real HTTP server (Python's http.server): `/health` redirects to `/ok`, which answers
    /// a healthy body and appends to a file (so the test can tell it was fetched). It writes
    /// its port to a file: no pipes between the processes.
    static let script = """
        import http.server, sys
        port_file, hits_file = sys.argv[1], sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == '/health':
                    self.send_response(302); self.send_header('Location', '/ok'); self.send_header('Content-Length', '0'); self.end_headers()
                else:
                    open(hits_file, 'a').write('followed\\n')
                    body = b'{"status":"ok"}'
                    self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        open(port_file + '.tmp', 'w').write(str(s.server_address[1])); __import__('os').rename(port_file + '.tmp', port_file)
        s.serve_forever()
        """

    @Test("a /health that redirects is unready with its 3xx, and the redirect target is never fetched")
    func redirectNotFollowed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (portFile, hitsFile) = (dir + "/port", dir + "/hits")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, portFile, hitsFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try await eventually(timeout: .seconds(20), "the redirecting server is up") { FileManager.default.fileExists(atPath: portFile) }
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8)))

        let client = HTTPHealthProbe.makeClient(timeout: .seconds(5))
        let probe = HTTPHealthProbe(client: client, timeout: .seconds(5))
        let outcome = await probe("http://127.0.0.1:\(port)")
        try await client.shutdown()
        #expect(outcome == .unready("/health answered 302."))
        #expect(!FileManager.default.fileExists(atPath: hitsFile), "the probe fetched the redirect target")
    }
}
