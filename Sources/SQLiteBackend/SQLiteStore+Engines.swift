import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

extension SQLiteStore {
    public func engine(id: UUID) async throws -> EngineRecord? {
        try await rows("SELECT * FROM engines WHERE id = ?1", [.uuid(id)]).first.map(SQLiteRows.engine)
    }

    /// Prefers the live engine; falls back to the newest one marked for deletion.
    public func engine(productID: UUID, userID: String) async throws -> EngineRecord? {
        try await rows("""
            SELECT * FROM engines WHERE product_id = ?1 AND user_id = ?2
            ORDER BY (deletion_requested_at IS NULL) DESC, seq DESC LIMIT 1
            """, [.uuid(productID), .text(userID)]).first.map(SQLiteRows.engine)
    }

    public func listEngines(_ query: EngineQuery) async throws -> EnginePage {
        let filter = "(?1 IS NULL OR product_id = ?1) AND (?2 IS NULL OR phase = ?2) AND (?3 OR deletion_requested_at IS NULL)"
        let binds: [SQLiteData] = [.uuid(query.productID), .string(query.phase?.rawValue), .int(query.includeMarkedForDeletion ? 1 : 0)]
        return try await transaction { tx in
            let engines = try await tx.rows("SELECT * FROM engines WHERE \(filter) ORDER BY seq LIMIT ?4 OFFSET ?5",
                                            binds + [.int(max(0, query.limit)), .int(max(0, query.offset))]).map(SQLiteRows.engine)
            let total = try await tx.rows("SELECT count(*) AS n FROM engines WHERE \(filter)", binds).first?.int64("n") ?? 0
            return EnginePage(engines: engines, total: Int(total))
        }
    }

    public func engineSummaries() async throws -> [EngineSummary] {
        try await rows("""
            SELECT id, product_id, user_id, json_extract(spec, '$.state') AS state,
                   coalesce(json_extract(spec, '$.key_generation'), 1) AS key_generation, json_extract(spec, '$.image') AS image, key_version,
                   deletion_requested_at IS NOT NULL AS marked, generation,
                   coalesce(json_extract(status, '$.observed_generation'), 0) AS observed, phase,
                   EXISTS (SELECT 1 FROM json_each(status, '$.conditions') AS c
                           WHERE json_extract(c.value, '$.type') = 'Ready' AND json_extract(c.value, '$.status') = 'True') AS ready,
                   json_extract(status, '$.runtime_id') AS runtime, key_scheme
            FROM engines ORDER BY seq
            """).map { row in
            EngineSummary(
                id: try row.uuid("id"), productID: try row.uuid("product_id"), userID: try row.string("user_id"),
                spec: EngineSpec(
                    state: row.optionalString("state").flatMap(DesiredEngineState.init(rawValue:)) ?? .awake,
                    keyGeneration: Int(try row.int64("key_generation")), image: row.optionalString("image")
                ),
                keyVersion: Int(try row.int64("key_version")), markedForDeletion: try row.int64("marked") != 0, generation: try row.int64("generation"),
                observedGeneration: try row.int64("observed"), phase: EnginePhase(rawValue: try row.string("phase")) ?? .provisioning,
                ready: try row.int64("ready") != 0, runtimeID: row.optionalString("runtime"), keyScheme: Int(try row.int64("key_scheme"))
            )
        }
    }

    public func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int] {
        var counts: [EnginePhase: Int] = [:]
        for row in try await rows("SELECT phase, count(*) AS n FROM engines WHERE (?1 IS NULL OR product_id = ?1) GROUP BY phase",
                                  [.uuid(productID)]) {
            if let phase = EnginePhase(rawValue: try row.string("phase")) { counts[phase] = Int(try row.int64("n")) }
        }
        return counts
    }

    /// Never moves an activity time backwards; no revision (activity is not a change).
    public func recordActivity(_ activity: [UUID: Date]) async throws {
        guard !activity.isEmpty else { return }
        try await transaction { tx in
            for (id, time) in activity {
                _ = try await tx.rows("UPDATE engines SET last_activity_at = max(coalesce(last_activity_at, 0), ?2) WHERE id = ?1",
                                      [.uuid(id), .time(time)])
            }
        }
    }
}
