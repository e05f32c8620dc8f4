@testable import API
import DesiredState
import Foundation
import Testing
import WireModel

/// The exact bytes the server writes for each body the CLI reads: a change to the shared wire
/// model that moves one byte fails here, before any client sees it. Each body also survives the
/// CLI's way back (`WireJSON.decoder()`, then encoded again) unchanged.
@Suite("Wire format: the bytes of every body server and CLI share")
struct WireFormatTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let engineID = UUID(uuidString: "8E1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")!
    static let productID = UUID(uuidString: "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")!

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try JSONWire.encoder.encode(value), as: UTF8.self)
    }

    /// `json` as the CLI reads it, written again by the server's encoder.
    static func roundTrip<T: Codable>(_ type: T.Type, _ json: String) throws -> String {
        try encoded(try WireJSON.decoder().decode(T.self, from: Data(json.utf8)))
    }

    static var engine: EngineRecord {
        let status = EngineStatus(
            phase: .running, observedGeneration: 3,
            conditions: [Condition(type: .ready, status: .true, reason: .engineHealthy, message: "Health check passed.", lastTransitionTime: t0)],
            url: "http://127.0.0.1:20001/x", restartCount: 1, totalRestarts: 2, lastRestartAt: t0, lastHealthAt: t0.addingTimeInterval(5),
            readySince: t0, bootDurationMs: 310, runtimeID: "abc123"
        )
        return EngineRecord(
            id: engineID, productID: productID, userID: "alice", spec: EngineSpec(state: .awake, keyGeneration: 2, image: "busybox:1"),
            generation: 3, keyVersion: 1, deletionRequestedAt: nil, createdAt: t0, specChangedAt: t0, lastActivityAt: t0.addingTimeInterval(60),
            status: status, revision: 42
        )
    }

    static var product: Product {
        Product(
            id: productID, slug: "demo", displayName: "Demo", apiKeyHash: "hash",
            policy: Policy(maxEngines: 5, idleSleepAfter: 600, template: EngineTemplate(image: "img:1", env: ["TOKEN": "s3cret"])),
            createdAt: t0, generation: 2
        )
    }

    @Test("an engine resource: ids lowercase, observed_generation and conditions repeated, unknown times null")
    func engineResource() throws {
        var asleep = Self.engine
        asleep.spec = EngineSpec(state: .asleep)
        asleep.status = EngineStatus()
        asleep.lastActivityAt = nil
        asleep.deletionRequestedAt = Self.t0
        let list = EngineResourceList(engines: [EngineResource(Self.engine, productSlug: "demo"), EngineResource(asleep, productSlug: "demo")], total: 2)
        let json = try Self.encoded(list)
        #expect(json == #"{"engines":[{"conditions":[{"last_transition_time":"2027-01-15T08:00:00Z","message":"Health check passed.","reason":"EngineHealthy","status":"True","type":"Ready"}],"created_at":"2027-01-15T08:00:00Z","deletion_requested_at":null,"engine_id":"8e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","generation":3,"last_activity_at":"2027-01-15T08:01:00Z","observed_generation":3,"product":"demo","product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","revision":42,"spec":{"image":"busybox:1","key_generation":2,"state":"awake"},"status":{"boot_duration_ms":310,"conditions":[{"last_transition_time":"2027-01-15T08:00:00Z","message":"Health check passed.","reason":"EngineHealthy","status":"True","type":"Ready"}],"last_health_at":"2027-01-15T08:00:05Z","last_restart_at":"2027-01-15T08:00:00Z","observed_generation":3,"phase":"running","ready_since":"2027-01-15T08:00:00Z","restart_count":1,"runtime_id":"abc123","total_restarts":2,"url":"http://127.0.0.1:20001/x"},"user_id":"alice"},{"conditions":[],"created_at":"2027-01-15T08:00:00Z","deletion_requested_at":"2027-01-15T08:00:00Z","engine_id":"8e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","generation":3,"last_activity_at":null,"observed_generation":0,"product":"demo","product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","revision":42,"spec":{"key_generation":1,"state":"asleep"},"status":{"conditions":[],"observed_generation":0,"phase":"provisioning","restart_count":0,"total_restarts":0},"user_id":"alice"}],"total":2}"#)
        #expect(try Self.roundTrip(EngineResourceList.self, json) == json)
    }

    @Test("a product: the admin sees template env values, a platform key only their names; counts only when asked")
    func productView() throws {
        let admin = try Self.encoded(ProductView(Self.product, engines: [.running: 2, .failed: 1], for: .admin))
        #expect(admin == #"{"created_at":"2027-01-15T08:00:00Z","display_name":"Demo","engines":{"failed":1,"running":2},"generation":2,"policy":{"idle_sleep_after":600,"max_engines":5,"sleep_mode":"stop","template":{"env":{"TOKEN":"s3cret"},"image":"img:1"}},"product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","slug":"demo"}"#)
        #expect(try Self.roundTrip(ProductView.self, admin) == admin)
        let list = try Self.encoded(ProductList(products: [ProductView(Self.product, for: .product(Self.product))]))
        #expect(list == #"{"products":[{"created_at":"2027-01-15T08:00:00Z","display_name":"Demo","generation":2,"policy":{"idle_sleep_after":600,"max_engines":5,"sleep_mode":"stop","template":{"env":{"TOKEN":"<redacted>"},"image":"img:1"}},"product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","slug":"demo"}]}"#)
        #expect(try Self.roundTrip(ProductList.self, list) == list)
    }

    @Test("the fleet status, with the restart breaker open and never opened")
    func fleetStatus() throws {
        let row = AuditEntry(timestamp: Self.t0, action: .restartBreaker, metadata: ["state": "open", "failing": "6", "tracked": "10"])
        let open = try Self.encoded(StatusResponse(counts: [.running: 3, .failed: 1], breaker: row))
        #expect(open == #"{"by_status":{"destroying":0,"failed":1,"provisioning":0,"running":3,"sleeping":0,"stopped":0},"health":"critical","restart_breaker":{"failing_engines":6,"open":true,"probed_engines":10,"since":"2027-01-15T08:00:00Z"},"total":4,"unhealthy_count":1}"#)
        #expect(try Self.roundTrip(StatusResponse.self, open) == open)
        let closed = try Self.encoded(StatusResponse(counts: [:], breaker: nil))
        #expect(closed == #"{"by_status":{"destroying":0,"failed":0,"provisioning":0,"running":0,"sleeping":0,"stopped":0},"health":"ok","restart_breaker":{"open":false},"total":0,"unhealthy_count":0}"#)
        #expect(try Self.roundTrip(StatusResponse.self, closed) == closed)
    }

    @Test("audit rows: ids lowercase, absent fields left out")
    func audit() throws {
        let rows = [
            AuditEntry(id: 7, timestamp: Self.t0, productID: Self.productID, userID: "alice", engineID: Self.engineID, action: .wake, actor: "demo", metadata: ["via": "admit"], durationMs: 12),
            AuditEntry(timestamp: Self.t0, action: .policyUpdate, actor: "admin"),
        ]
        let json = try Self.encoded(AuditResponse(entries: rows.map(AuditEntryView.init)))
        #expect(json == #"{"entries":[{"action":"wake","actor":"demo","duration_ms":12,"engine_id":"8e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","id":7,"metadata":{"via":"admit"},"product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","timestamp":"2027-01-15T08:00:00Z","user_id":"alice"},{"action":"policy_update","actor":"admin","metadata":{},"timestamp":"2027-01-15T08:00:00Z"}]}"#)
        #expect(try Self.roundTrip(AuditResponse.self, json) == json)
    }

    @Test("the apply answer, the watch stream's deleted event and the error envelope")
    func smallBodies() throws {
        let apply = ApplyResponse(results: [.init(kind: "Product", name: "demo", result: "created"), .init(kind: "Engine", name: "demo/alice", result: "unchanged")], platform_keys: ["demo": "pk_x"], dry_run: false)
        let applied = try Self.encoded(apply)
        #expect(applied == #"{"dry_run":false,"platform_keys":{"demo":"pk_x"},"results":[{"kind":"Product","name":"demo","result":"created"},{"kind":"Engine","name":"demo/alice","result":"unchanged"}]}"#)
        #expect(try Self.roundTrip(ApplyResponse.self, applied) == applied)
        let deleted = DeletedEngine(Change(revision: 9, engineID: Self.engineID, productID: Self.productID, userID: "alice", kind: .deleted))
        let gone = try Self.encoded(deleted)
        #expect(gone == #"{"engine_id":"8e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","product_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","user_id":"alice"}"#)
        #expect(try Self.roundTrip(DeletedEngine.self, gone) == gone)
        // The envelope is written with a plain encoder (`APIError.response()`): slashes escaped,
        // and its two fields in an order that varies from one process to the next (an unsorted
        // encoder), so only the fields are pinned here.
        let envelope = String(decoding: try JSONEncoder().encode(ErrorEnvelope(error: .init(code: "ENGINE_NOT_FOUND", message: "No engine for a/b."))), as: UTF8.self)
        #expect(envelope.hasPrefix(#"{"error":{"#) && envelope.hasSuffix("}}") && envelope.count == 69, "\(envelope)")
        #expect(envelope.contains(#""code":"ENGINE_NOT_FOUND""#) && envelope.contains(#""message":"No engine for a\/b.""#), "\(envelope)")
        let read = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(envelope.utf8))
        #expect(read.error.code == "ENGINE_NOT_FOUND" && read.error.message == "No engine for a/b.")
    }

    @Test("the CLI's key rotation patch names only the key generation, and the server reads it back strictly")
    func rotationPatch() throws {
        let body = try Self.encoded(PatchEngineRequest(keyGeneration: 4))
        #expect(body == #"{"spec":{"key_generation":4}}"#)
        let read = try WireJSON.decoder().decode(PatchEngineRequest.self, from: Data(body.utf8))
        #expect(try read.applied(to: EngineSpec(state: .asleep, keyGeneration: 3, image: "img:1")) == EngineSpec(state: .asleep, keyGeneration: 4, image: "img:1"))
        #expect(try Self.encoded(PatchEngineRequest(state: .stopped, image: .some(nil))) == #"{"spec":{"image":null,"state":"stopped"}}"#)
    }
}
