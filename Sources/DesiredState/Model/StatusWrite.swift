import Foundation

/// One engine's new status, for `Store.writeStatuses`.
public struct StatusWrite: Sendable, Equatable {
    public var engineID: UUID
    public var status: EngineStatus

    public init(engineID: UUID, status: EngineStatus) {
        self.engineID = engineID
        self.status = status
    }
}
