import DesiredState
import Foundation
import Testing

/// Typed reasons and actions keep the wire and the stored format: each codes as its bare string.
@Suite("Condition reasons and audit actions")
struct ConditionReasonTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a condition reason codes as the bare string, and an unknown one round-trips")
    func reasonCoding() throws {
        #expect(String(decoding: try JSONEncoder().encode(ConditionReason.imageNotFound), as: UTF8.self) == #""ImageNotFound""#)
        #expect(try JSONDecoder().decode(ConditionReason.self, from: Data(#""CrashLoopBackOff""#.utf8)) == .crashLoopBackOff)
        #expect(try JSONDecoder().decode(ConditionReason.self, from: Data(#""SomethingNew""#.utf8)).rawValue == "SomethingNew")
        #expect("\(ConditionReason.invalidSpec)" == "InvalidSpec")
    }

    @Test("a stored condition reads as before: reason is a plain string field")
    func conditionJSON() throws {
        let json = #"{"type":"Degraded","status":"True","reason":"RestartsExhausted","message":"m","last_transition_time":0}"#
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let condition = try decoder.decode(Condition.self, from: Data(json.utf8))
        #expect(condition.reason == .restartsExhausted)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        let out = String(decoding: try encoder.encode(condition), as: UTF8.self)
        #expect(out == #"{"last_transition_time":0,"message":"m","reason":"RestartsExhausted","status":"True","type":"Degraded"}"#)
    }

    @Test("audit actions code as their names; recreate is one")
    func auditActions() throws {
        #expect(AuditAction.recreate.rawValue == "recreate")
        #expect(String(decoding: try JSONEncoder().encode(AuditAction.rotateKey), as: UTF8.self) == #""rotate_key""#)
        #expect(try JSONDecoder().decode(AuditAction.self, from: Data(#""recreate""#.utf8)) == .recreate)
    }

    static func engine(generation: Int64 = 2, observed: Int64 = 2, phase: EnginePhase, ready: Bool = false,
                       degraded: Bool = false, retryAt: Date? = nil, deleted: Bool = false) -> EngineRecord {
        var status = EngineStatus(phase: phase, observedGeneration: observed, nextRetryAt: retryAt)
        status.conditions.set(.ready, ready ? .true : .false, reason: ready ? .engineHealthy : .booting, message: "", now: t0)
        if degraded { status.conditions.set(.degraded, .true, reason: .imageNotFound, message: "gone", now: t0) }
        return EngineRecord(
            id: UUID(), productID: UUID(), userID: "u", spec: EngineSpec(state: .awake), generation: generation, keyVersion: 1,
            deletionRequestedAt: deleted ? t0 : nil, createdAt: t0, specChangedAt: t0, lastActivityAt: nil, status: status, revision: 1
        )
    }

    @Test("ready for the current spec: Ready, seen for this generation, not being deleted")
    func readyForCurrentSpec() {
        #expect(Self.engine(phase: .running, ready: true).isReadyForCurrentSpec)
        #expect(!Self.engine(generation: 3, observed: 2, phase: .running, ready: true).isReadyForCurrentSpec, "an older generation's Ready")
        #expect(!Self.engine(phase: .running, ready: true, deleted: true).isReadyForCurrentSpec)
        #expect(!Self.engine(phase: .provisioning).isReadyForCurrentSpec)
        #expect(Self.engine(generation: 3, observed: 2, phase: .running, ready: true).isReady(forGeneration: 2))
        #expect(Self.engine(generation: 3, observed: 2, phase: .running, ready: true, deleted: true).status.isReady(forGeneration: 2))
    }

    @Test("failed for good: failed, no retry planned, seen for this generation; the Degraded condition says why")
    func failedForGood() {
        let failed = Self.engine(phase: .failed, degraded: true)
        #expect(failed.isFailedForGood)
        #expect(failed.status.terminalFailure(generation: 2)?.reason == .imageNotFound)
        #expect(!Self.engine(phase: .failed, degraded: true, retryAt: Self.t0).isFailedForGood, "a retry is planned")
        #expect(!Self.engine(generation: 3, observed: 2, phase: .failed, degraded: true).isFailedForGood, "a newer spec is a fresh chance")
        #expect(!Self.engine(phase: .running, degraded: true).isFailedForGood)
        #expect(Self.engine(phase: .failed).isFailedForGood)
        #expect(Self.engine(phase: .failed).status.terminalFailure(generation: 2) == nil, "no Degraded=True: nothing to report")
    }
}
