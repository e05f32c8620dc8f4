import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    public func engine(id: UUID) async throws -> EngineRecord? {
        try await rows("SELECT \(unescaped: PostgresRows.engineColumns) FROM engines WHERE id = \(id)").first.map(PostgresRows.engine)
    }

    /// Prefers the live engine; falls back to the newest one marked for deletion.
    public func engine(productID: UUID, userID: String) async throws -> EngineRecord? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.engineColumns) FROM engines WHERE product_id = \(productID) AND user_id = \(userID)
            ORDER BY (deletion_requested_at IS NULL) DESC, seq DESC LIMIT 1
            """).first.map(PostgresRows.engine)
    }

    public func listEngines(_ query: EngineQuery) async throws -> EnginePage {
        let phase = query.phase?.rawValue
        return try await transaction { tx in
            let engines = try await tx.rows("""
                SELECT \(unescaped: PostgresRows.engineColumns) FROM engines
                WHERE (\(query.productID)::uuid IS NULL OR product_id = \(query.productID))
                  AND (\(phase)::text IS NULL OR phase = \(phase))
                  AND (\(query.includeMarkedForDeletion) OR deletion_requested_at IS NULL)
                ORDER BY seq LIMIT \(max(0, query.limit)) OFFSET \(max(0, query.offset))
                """).map(PostgresRows.engine)
            let total = try await tx.rows("""
                SELECT count(*) FROM engines
                WHERE (\(query.productID)::uuid IS NULL OR product_id = \(query.productID))
                  AND (\(phase)::text IS NULL OR phase = \(phase))
                  AND (\(query.includeMarkedForDeletion) OR deletion_requested_at IS NULL)
                """).first?.decode(Int64.self) ?? 0
            return EnginePage(engines: engines, total: Int(total))
        }
    }

    /// The JSON fields are pulled out by Postgres, so only narrow rows cross the wire.
    public func engineSummaries() async throws -> [EngineSummary] {
        try await rows("""
            SELECT id, product_id, user_id, spec->>'state', COALESCE((spec->>'key_generation')::int, 1), spec->>'image', key_version,
                   deletion_requested_at IS NOT NULL, generation,
                   COALESCE((status->>'observed_generation')::bigint, 0), phase,
                   COALESCE(status->'conditions' @> '[{"type":"Ready","status":"True"}]'::jsonb, false),
                   status->>'runtime_id', key_scheme
            FROM engines ORDER BY seq
            """).map { row in
            let (id, product, user, state, keyGeneration, image, keyVersion, marked, generation, observed, phase, ready, runtime, keyScheme) =
                try row.decode((UUID, UUID, String, String?, Int32, String?, Int32, Bool, Int64, Int64, String, Bool, String?, Int32).self)
            let spec = EngineSpec(state: state.flatMap(DesiredEngineState.init(rawValue:)) ?? .awake, keyGeneration: Int(keyGeneration), image: image)
            return EngineSummary(
                id: id, productID: product, userID: user, spec: spec, keyVersion: Int(keyVersion), markedForDeletion: marked,
                generation: generation, observedGeneration: observed, phase: EnginePhase(rawValue: phase) ?? .provisioning, ready: ready, runtimeID: runtime,
                keyScheme: Int(keyScheme)
            )
        }
    }

    public func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int] {
        var counts: [EnginePhase: Int] = [:]
        for row in try await rows("""
            SELECT phase, count(*) FROM engines WHERE (\(productID)::uuid IS NULL OR product_id = \(productID)) GROUP BY phase
            """) {
            let (phase, count) = try row.decode((String, Int64).self)
            if let phase = EnginePhase(rawValue: phase) { counts[phase] = Int(count) }
        }
        return counts
    }

    /// One statement for the whole batch; never moves an activity time backwards.
    public func recordActivity(_ activity: [UUID: Date]) async throws {
        guard !activity.isEmpty else { return }
        let ids = Array(activity.keys)
        let times = ids.map { activity[$0].map(StoreJSON.seconds) ?? 0 }
        _ = try await rows("""
            UPDATE engines SET last_activity_at = GREATEST(COALESCE(engines.last_activity_at, 0), v.t)
            FROM unnest(\(ids)::uuid[], \(times)::float8[]) AS v(id, t) WHERE engines.id = v.id
            """)
    }
}
