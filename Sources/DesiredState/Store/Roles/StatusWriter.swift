import Foundation

/// Writes of observed status: the controller's alone (the API is never handed it, so an API
/// that writes status does not compile). Never bumps `generation`.
public protocol StatusWriter: Sendable {
    /// Writes status only. Absent engine: no-op, returns nil.
    @discardableResult
    func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord?
    /// Several status writes in ONE transaction (the controller's group commit): absent
    /// engines and unchanged statuses are skipped, the rest take consecutive revisions in the
    /// order given. One engine given twice: the last status wins.
    func writeStatuses(_ writes: [StatusWrite]) async throws
}
