import Foundation

/// The audit trail: appended to by the API (lifecycle actions) and the controller (restarts,
/// the breaker, finalized deletions); read by both.
public protocol AuditLog: Sendable {
    func appendAudit(_ entries: [AuditEntry]) async throws
    /// Newest first.
    func audit(_ query: AuditQuery) async throws -> [AuditEntry]
}
