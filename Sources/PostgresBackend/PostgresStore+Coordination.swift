import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    public func currentRevision() async throws -> Int64 {
        try await rows("SELECT value FROM revision_counter WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    public func changeRows(since revision: Int64, limit: Int) async throws -> [Change] {
        try await rows("""
            SELECT revision, engine_id, product_id, user_id, kind FROM changes
            WHERE revision > \(revision) ORDER BY revision LIMIT \(limit)
            """).map { row in
            let (revision, engineID, productID, userID, kind) = try row.decode((Int64, UUID, UUID, String, String).self)
            return Change(revision: revision, engineID: engineID, productID: productID, userID: userID, kind: ChangeKind(rawValue: kind) ?? .spec)
        }
    }

    /// One upsert statement: exact across processes (the row lock serializes takers).
    public func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision {
        guard capacity >= 1 else { return TokenDecision(allowed: false, retryAfter: TokenMath.noRefillRetry, remaining: 0) }
        let cap = Double(capacity)
        let t = StoreJSON.seconds(now)
        let rate = max(0, refillPerSecond)
        let row = try await rows("""
            INSERT INTO rate_buckets AS b (key, tokens, updated_at, allowed) VALUES (\(key), \(cap - 1), \(t), true)
            ON CONFLICT (key) DO UPDATE SET
              tokens = LEAST(\(cap), b.tokens + GREATEST(0, \(t) - b.updated_at) * \(rate))
                - CASE WHEN LEAST(\(cap), b.tokens + GREATEST(0, \(t) - b.updated_at) * \(rate)) >= 1 THEN 1 ELSE 0 END,
              allowed = LEAST(\(cap), b.tokens + GREATEST(0, \(t) - b.updated_at) * \(rate)) >= 1,
              updated_at = GREATEST(b.updated_at, \(t))
            RETURNING tokens, allowed
            """).first
        let (tokens, allowed) = try row?.decode((Double, Bool).self) ?? (0, false)
        return TokenMath.decision(allowed: allowed, tokens: tokens, refillPerSecond: rate)
    }

    /// One upsert: taken when free, expired, or already ours (renewal).
    ///
    /// One clock: the expiry is written and compared in the database's time (`now()`), never in
    /// a replica's, so replicas whose clocks disagree (by any amount) still agree on whether a
    /// lease has expired. `now` is ignored here.
    public func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let seconds = TokenMath.seconds(ttl)
        return try await !rows("""
            INSERT INTO leases AS l (name, holder, expires_at)
              VALUES (\(name), \(holder), EXTRACT(EPOCH FROM now())::float8 + \(seconds))
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE l.holder = excluded.holder OR l.expires_at <= EXTRACT(EPOCH FROM now())::float8
            RETURNING holder
            """).isEmpty
    }

    public func releaseLease(name: String, holder: String) async throws {
        _ = try await rows("DELETE FROM leases WHERE name = \(name) AND holder = \(holder)")
    }
}
