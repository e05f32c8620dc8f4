import DesiredState
import Foundation

/// The `data` of a watch stream's `deleted` event: which engine is gone (ids lowercase).
public struct DeletedEngine: Codable, Sendable {
    public var engine_id: String
    public var product_id: String
    public var user_id: String

    public init(_ change: Change) {
        engine_id = change.engineID.uuidString.lowercased()
        product_id = change.productID.uuidString.lowercased()
        user_id = change.userID
    }
}
