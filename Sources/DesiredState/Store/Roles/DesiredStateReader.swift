import Foundation

/// Reads of desired state (and the status stored beside it): products and engines. Both the
/// API and the controller have it. The store's role protocols follow controller-runtime's
/// `Reader`/`Writer`/`StatusWriter` split; `Store` is their composition, and each side is
/// handed only the roles it may use (`APIStore`, `ControllerStore`).
public protocol DesiredStateReader: Sendable {
    func product(id: UUID) async throws -> Product?
    func product(slug: String) async throws -> Product?
    func product(apiKeyHash: String) async throws -> Product?
    func listProducts() async throws -> [Product]

    func engine(id: UUID) async throws -> EngineRecord?
    /// The live (not yet deleted) engine for this user, including one marked for deletion.
    func engine(productID: UUID, userID: String) async throws -> EngineRecord?
    /// Engines by product and/or phase, ordered by creation, with the total before paging.
    func listEngines(_ query: EngineQuery) async throws -> EnginePage
    /// Every engine row (deletion-marked included), narrow, in one read: what a resync diffs.
    func engineSummaries() async throws -> [EngineSummary]
    /// Counts engines by phase for a product (`nil`: the whole fleet), excluding none.
    func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int]
}
