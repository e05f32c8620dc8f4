import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

/// Row decoding for the SQLite store (`SELECT *` of products and engines).
enum SQLiteRows {
    static func product(_ row: SQLiteRow) throws -> Product {
        Product(
            id: try row.uuid("id"), slug: try row.string("slug"), displayName: try row.string("display_name"),
            apiKeyHash: try row.string("api_key_hash"), policy: try StoreJSON.decode(Policy.self, try row.string("policy")),
            createdAt: StoreJSON.date(try row.double("created_at")), generation: try row.int64("generation")
        )
    }

    static func engine(_ row: SQLiteRow) throws -> EngineRecord {
        EngineRecord(
            id: try row.uuid("id"), productID: try row.uuid("product_id"), userID: try row.string("user_id"),
            spec: try StoreJSON.decode(EngineSpec.self, try row.string("spec")), generation: try row.int64("generation"),
            keyVersion: Int(try row.int64("key_version")), deletionRequestedAt: row.optionalDate("deletion_requested_at"),
            createdAt: StoreJSON.date(try row.double("created_at")), specChangedAt: StoreJSON.date(try row.double("spec_changed_at")),
            lastActivityAt: row.optionalDate("last_activity_at"),
            status: try StoreJSON.decode(EngineStatus.self, try row.string("status")), revision: try row.int64("revision"),
            keyScheme: Int(try row.int64("key_scheme"))
        )
    }
}
