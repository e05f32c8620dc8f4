import DesiredState
import Foundation
import Testing

@Suite("Policy, spec and identifier validation")
struct PolicyTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    static func field(of body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            return "not a ValidationError: \(error)"
        }
    }

    @Test("an empty policy means no limits; a full one round-trips")
    func roundTrip() throws {
        #expect(try Self.decode(Policy.self, "{}") == Policy())
        let json = """
            {"max_engines": 1000, "rate_limit_rpm": 600, "auto_provision": true, "auto_wake": false,
             "idle_sleep_after": "15m", "destroy_after_asleep": "30d", "sleep_mode": "pause",
             "template": {"image": "engine:2.3.0", "env": {"LOG_LEVEL": "debug"}, "memory_mb": 512, "cpus": 0.5}}
            """
        let policy = try Self.decode(Policy.self, json)
        #expect(policy.maxEngines == 1000 && policy.idleSleepAfter == 900 && policy.destroyAfterAsleep == 30 * 86_400)
        #expect(policy.sleepMode == .pause && policy.template.memoryMB == 512)
        #expect(try Self.decode(Policy.self, String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)) == policy)
    }

    @Test("bad policies are rejected naming the field", arguments: [
        (#"{"max_engine": 5}"#, "max_engine"),
        (#"{"max_engines": -1}"#, "max_engines"),
        (#"{"rate_limit_rpm": 0}"#, "rate_limit_rpm"),
        (#"{"max_engines": 99999999999}"#, "max_engines"),
        (#"{"idle_sleep_after": 0}"#, "idle_sleep_after"),
        (#"{"destroy_after_asleep": 5}"#, "destroy_after_asleep"),
        (#"{"template": {"imag": "x"}}"#, "template.imag"),
        (#"{"template": {"memory_mb": 1}}"#, "template.memory_mb"),
        (#"{"template": {"env": {"ENGINE_KEY_HASH": "x"}}}"#, "template.env.ENGINE_KEY_HASH"),
        (#"{"template": {"image": "has space"}}"#, "template.image"),
    ])
    func badPolicies(json: String, field: String) {
        #expect(Self.field { _ = try Self.decode(Policy.self, json) } == field)
    }

    @Test("engine specs reject unknown fields and absurd key generations")
    func specs() throws {
        #expect(try Self.decode(EngineSpec.self, "{}") == EngineSpec())
        #expect(Self.field { _ = try Self.decode(EngineSpec.self, #"{"stat": "awake"}"#) } == "stat")
        #expect(Self.field { _ = try Self.decode(EngineSpec.self, #"{"key_generation": 0}"#) } == "key_generation")
    }

    @Test("user ids: 1…256 bytes, no control characters", arguments: [
        ("", false), ("alice", true), ("user@example.com", true), ("ünïcødé 👋", true),
        (String(repeating: "x", count: 256), true), (String(repeating: "x", count: 257), false),
        ("tab\there", false), ("nul\u{0}", false), ("del\u{7f}", false),
    ])
    func userIDs(id: String, valid: Bool) {
        let field = Self.field { try Identifiers.validateUserID(id) }
        #expect(field == (valid ? nil : "user_id"))
    }

    @Test("slugs: lowercase letters, digits and '-', 1…63, not starting with '-'", arguments: [
        ("bap", true), ("demo-2", true), ("", false), ("-x", false), ("Caps", false), ("a_b", false),
        (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
    ])
    func slugs(slug: String, valid: Bool) {
        #expect(Self.field { try Identifiers.validateSlug(slug) } == (valid ? nil : "slug"))
    }
}
