import Foundation
import TestSupport
import Testing

/// Issue #10 item 3: at `ORCH_LOG_LEVEL=trace`, through start, a product register, a provision,
/// an admit and a SIGTERM, nothing the server prints (stdout and stderr) holds a secret: the
/// admin key, the master key in any encoding, platform and engine keys, a pass-through value.
@Suite("End to end: secrets never printed", .serialized)
struct SecretsNeverPrintedTests {
    /// Every way the master key could be printed: its text, its bytes as base64 (standard and
    /// URL-safe, padded or not), hex (both cases), a Swift array literal and a run of its bytes.
    static func encodings(ofMasterKey text: String) -> [String] {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64.append("=") }
        guard let data = Data(base64Encoded: b64) else { return [text] }
        let bytes = Array(data)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        return [
            text, data.base64EncodedString(), data.base64EncodedString().replacingOccurrences(of: "=", with: ""),
            text.replacingOccurrences(of: "=", with: ""), hex, hex.uppercased(), "\(bytes)",
            bytes.map(String.init).joined(separator: ", "), bytes.prefix(6).map(String.init).joined(separator: ", "),
        ]
    }

    @Test("serve at trace prints no admin, master, platform or engine key and no pass-through value")
    func nothingSecretPrinted() async throws {
        let server = try ServerProcess()
        try await server.createDatabase()
        let canary = "canary-\(UUID().uuidString)"
        do {
            try await server.start(extraEnv: [
                "ORCH_LOG_LEVEL": "trace", "ORCH_ENGINE_ENV_PASSTHROUGH": "BAP_E2E_CANARY", "BAP_E2E_CANARY": canary,
            ])
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"sec-\#(server.runID)","display_name":"Secrets"}"#)
            #expect(registered.status == 200, "\(registered.raw)")
            let platformKey = try #require(registered.string("platform_api_key"))
            let api = HTTPJSON(base: server.base, headers: [("X-Platform-Key", platformKey)])
            let provisioned = try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#)
            #expect(provisioned.status == 200, "\(provisioned.raw)")
            let engineKey = try #require(provisioned.string("api_key"))
            let admitted = try await api.call("POST", "/engines/alice/admit", json: #"{"auto_provision":true,"auto_wake":true}"#)
            #expect(admitted.body["admitted"] as? Bool == true, "\(admitted.raw)")
            server.stop()  // SIGTERM: graceful shutdown logs every service's stop

            let printed = server.log
            #expect(printed.contains("trace") || printed.contains("debug"), "the server should have logged at trace level")
            #expect(printed.contains("HTTPServer") || printed.contains("Controller"), "service-lifecycle's start/stop lines should be there")
            let secrets: [(String, String)] = [("admin key", server.adminKey), ("platform key", platformKey), ("engine key", engineKey), ("pass-through value", canary)]
                + Self.encodings(ofMasterKey: server.masterKey).map { ("master key", $0) }
            for (name, secret) in secrets {
                #expect(!printed.contains(secret), "the \(name) was printed (\(secret.prefix(12))…)")
            }
        } catch {
            server.stop()
            await server.removeContainers()
            await server.dropDatabase()
            throw error
        }
        await server.removeContainers()
        await server.dropDatabase()
    }
}
