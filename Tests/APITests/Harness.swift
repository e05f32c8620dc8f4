import API
import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import Prometheus
import SQLiteBackend
import StoreSupport
import Synchronization

/// A wall clock tests set and move by hand.
final class TestNow: Sendable {
    private let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// One API under test: an in-memory store, a pinned clock, known keys.
struct Harness {
    static let adminKey = "test-admin-key-do-not-leak-0123456789"
    static let masterKey = "master-key-for-tests-only-0123456789abcdef"

    enum Backend { case memory, sqlite }

    /// The store under test: `SQLiteStore(":memory:")` from `make()`, the test-only in-memory
    /// store from `init()` (which can count writes).
    let store: any Store
    let clock = TestNow()
    let registry = PrometheusCollectorRegistry()
    var bootTimeout: Duration = .seconds(5)
    var stopTimeout: Duration = .seconds(5)
    var heartbeat: Duration = .seconds(15)
    var activityFlush: Duration = .milliseconds(100)
    var engineLogs: (@Sendable (UUID, Int) async throws -> String)?
    /// nil: the API's default (any tag of `september-engine`).
    var imagePolicy: ImagePolicy?
    var logLimits = APIConfiguration.LogLimits()

    /// A harness over the in-memory store.
    init() { store = InMemoryStore() }

    init(store: any Store) { self.store = store }

    /// A harness over a real store: SQLite in memory, migrated.
    static func make(_ backend: Backend = .sqlite) async throws -> Harness {
        switch backend {
        case .memory: return Harness()
        case .sqlite:
            let store = try await SQLiteStore.open(path: nil, logger: Logger(label: "api-tests"))
            try await store.migrate()
            return Harness(store: store)
        }
    }

    /// Counters of the in-memory store (nil over SQLite).
    var memoryStore: InMemoryStore? { store as? InMemoryStore }

    var keys: EngineKeyDeriver {
        // The literal is 42 bytes, over the 32-byte minimum, so parsing cannot fail.
        EngineKeyDeriver(keyring: try! MasterKeyring(parsing: Self.masterKey))
    }

    var configuration: APIConfiguration {
        let clock = self.clock
        return APIConfiguration(
            adminKey: Self.adminKey, keys: keys, bootTimeout: bootTimeout, defaultImage: "september-engine:test",
            maxBodyBytes: 64 * 1024, activityFlushInterval: activityFlush, watchHeartbeat: heartbeat, now: { clock.now },
            engineLogs: engineLogs, imagePolicy: imagePolicy, logLimits: logLimits, stopTimeout: stopTimeout
        )
    }

    func app() -> some ApplicationProtocol {
        buildApplication(store: store, configuration: configuration, registry: registry)
    }

    /// Runs `body` against the router with a fake controller converging engines in the background.
    func run(controller: FakeController? = FakeController(), _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let controller = controller
        // Order matters on the way out: the app and the controller stop before the store
        // closes (SQLite traps on a query against a closed connection).
        try await withThrowingTaskGroup(of: Void.self) { outer in
            outer.addTask { try await store.run() }
            try await withThrowingTaskGroup(of: Void.self) { inner in
                if let controller { inner.addTask { try? await controller.run(store: store) } }
                try await app().test(.router) { client in try await body(client) }
                inner.cancelAll()
            }
            outer.cancelAll()
        }
    }
}

/// Request helpers.
extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, platformKey: String? = nil, admin: Bool = false,
        headers extra: [String: String] = [:], json: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let platformKey { headers[HTTPField.Name("X-Platform-Key")!] = platformKey }
        if admin { headers[HTTPField.Name("X-Admin-Key")!] = Harness.adminKey }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Registers a product and returns (id, slug, platform key).
    func register(_ slug: String, policy: String = "{}") async throws -> (id: String, slug: String, key: String) {
        let response = try await call(.post, "/products/register", admin: true, json: #"{"slug":"\#(slug)","display_name":"\#(slug) app","policy":\#(policy)}"#)
        guard response.status == .created || response.status == .ok else { throw HarnessError.unexpected(response.status.code, String(buffer: response.body)) }
        let object = try response.jsonObject()
        return (object["product_id"] as? String ?? "", slug, object["platform_api_key"] as? String ?? "")
    }
}

enum HarnessError: Error { case unexpected(Int, String) }

extension TestResponse {
    var text: String { String(buffer: body) }
    func jsonObject() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    var errorCode: String? { ((try? jsonObject())?["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { ((try? jsonObject())?["error"] as? [String: Any])?["message"] as? String }
}

extension Store {
    /// Every audit row (newest first).
    func allAudit() async throws -> [AuditEntry] { try await audit(AuditQuery(limit: 100_000)) }
}
