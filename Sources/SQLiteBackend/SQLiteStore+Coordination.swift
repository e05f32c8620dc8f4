import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

extension SQLiteStore {
    public func currentRevision() async throws -> Int64 {
        try await rows("SELECT value FROM revision_counter WHERE id = 1").first?.int64("value") ?? 0
    }

    public func changeRows(since revision: Int64, limit: Int) async throws -> [Change] {
        try await rows("SELECT * FROM changes WHERE revision > ?1 ORDER BY revision LIMIT ?2", [.int64(revision), .int(limit)]).map { row in
            Change(revision: try row.int64("revision"), engineID: try row.uuid("engine_id"), productID: try row.uuid("product_id"),
                   userID: try row.string("user_id"), kind: ChangeKind(rawValue: try row.string("kind")) ?? .spec)
        }
    }

    /// The same single upsert as on Postgres (SQLite's `min`/`max` for `LEAST`/`GREATEST`).
    public func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision {
        guard capacity >= 1 else { return TokenDecision(allowed: false, retryAfter: TokenMath.noRefillRetry, remaining: 0) }
        let rate = max(0, refillPerSecond)
        let refilled = "min(?2, rate_buckets.tokens + max(0, ?3 - rate_buckets.updated_at) * ?4)"
        let row = try await rows("""
            INSERT INTO rate_buckets (key, tokens, updated_at, allowed) VALUES (?1, ?2 - 1, ?3, 1)
            ON CONFLICT (key) DO UPDATE SET
              tokens = \(refilled) - (CASE WHEN \(refilled) >= 1 THEN 1 ELSE 0 END),
              allowed = (\(refilled) >= 1),
              updated_at = max(rate_buckets.updated_at, ?3)
            RETURNING tokens, allowed
            """, [.text(key), .float(Double(capacity)), .time(now), .float(rate)]).first
        let tokens = try row?.double("tokens") ?? 0
        let allowed = (try row?.int64("allowed") ?? 0) != 0
        return TokenMath.decision(allowed: allowed, tokens: tokens, refillPerSecond: rate)
    }

    /// On the caller's clock (`now`): SQLite is the single-host store, so every contender for
    /// the lease is a process on this host reading the same system clock.
    public func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let expires = StoreJSON.seconds(now) + TokenMath.seconds(ttl)
        return try await !rows("""
            INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4
            RETURNING holder
            """, [.text(name), .text(holder), .float(expires), .time(now)]).isEmpty
    }

    public func releaseLease(name: String, holder: String) async throws {
        _ = try await rows("DELETE FROM leases WHERE name = ?1 AND holder = ?2", [.text(name), .text(holder)])
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await transaction { tx in
            for entry in entries {
                _ = try await tx.rows("""
                    INSERT INTO audit_log (timestamp, product_id, user_id, engine_id, action, actor, metadata, duration_ms)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                    """, [.time(entry.timestamp), .uuid(entry.productID), .string(entry.userID), .uuid(entry.engineID),
                          .text(entry.action.rawValue), .text(entry.actor), .text(try StoreJSON.encode(entry.metadata)),
                          .int(entry.durationMs)])
            }
        }
    }

    /// Newest first. `since` is inclusive, `until` exclusive.
    public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await rows("""
            SELECT * FROM audit_log WHERE (?1 IS NULL OR product_id = ?1) AND (?2 IS NULL OR user_id = ?2)
              AND (?3 IS NULL OR engine_id = ?3) AND (?4 IS NULL OR action = ?4)
              AND (?5 IS NULL OR timestamp >= ?5) AND (?6 IS NULL OR timestamp < ?6)
            ORDER BY timestamp DESC, id DESC LIMIT ?7
            """, [.uuid(query.productID), .string(query.userID), .uuid(query.engineID), .string(query.action?.rawValue),
                  .time(query.since), .time(query.until), .int(max(0, query.limit))]).map { row in
            AuditEntry(
                id: try row.int64("id"), timestamp: StoreJSON.date(try row.double("timestamp")),
                productID: row.optionalUUID("product_id"), userID: row.optionalString("user_id"),
                engineID: row.optionalUUID("engine_id"), action: AuditAction(rawValue: try row.string("action")),
                actor: try row.string("actor"), metadata: try StoreJSON.decode([String: String].self, try row.string("metadata")),
                durationMs: row.optionalString("duration_ms").flatMap { Int($0) }
            )
        }
    }
}
