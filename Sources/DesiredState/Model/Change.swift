import Foundation

/// One entry of the change log: "engine X changed at revision R". Watchers and the controller
/// read these and then re-read the engine (level-triggered: the entry says where to look).
public struct Change: Sendable, Equatable {
    public var revision: Int64
    public var engineID: UUID
    public var productID: UUID
    public var userID: String
    public var kind: ChangeKind

    public init(revision: Int64, engineID: UUID, productID: UUID, userID: String, kind: ChangeKind) {
        self.revision = revision
        self.engineID = engineID
        self.productID = productID
        self.userID = userID
        self.kind = kind
    }
}

public enum ChangeKind: String, Sendable, Codable, Hashable {
    /// Row inserted.
    case created
    /// Spec (or deletion mark) changed: generation bumped.
    case spec
    /// Status written by the controller.
    case status
    /// Row removed for good.
    case deleted
}
