import Foundation

/// Removing rows for good once their runtime is gone (what a finalizer does in Kubernetes):
/// the controller's alone. The API only marks for deletion (`DesiredStateWriter`).
public protocol DeletionFinalizer: Sendable {
    /// Removes the engine row for good (after the runtime was cleaned up). Absent is fine.
    func deleteEngine(engineID: UUID) async throws
    /// Products whose deletion was asked and which have no engine rows left are removed.
    func finalizeProductDeletions() async throws -> [UUID]
}
