import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

/// Column lists and row decoding shared by every Postgres query that reads products or engines.
/// The column lists are constants (interpolated `unescaped`), never user input.
enum PostgresRows {
    static let productColumns = "id, slug, display_name, api_key_hash, policy::text, created_at, generation"

    static let engineColumns = """
        id, product_id, user_id, spec::text, generation, key_version, deletion_requested_at, created_at, \
        spec_changed_at, last_activity_at, status::text, revision, key_scheme
        """

    static func product(_ row: PostgresRow) throws -> Product {
        let (id, slug, name, hash, policy, created, generation) =
            try row.decode((UUID, String, String, String, String, Double, Int64).self)
        return Product(
            id: id, slug: slug, displayName: name, apiKeyHash: hash,
            policy: try StoreJSON.decode(Policy.self, policy), createdAt: StoreJSON.date(created), generation: generation
        )
    }

    static func engine(_ row: PostgresRow) throws -> EngineRecord {
        let (id, productID, userID, spec, generation, keyVersion, deletion, created, specChanged, activity, status, revision, keyScheme) =
            try row.decode((UUID, UUID, String, String, Int64, Int, Double?, Double, Double, Double?, String, Int64, Int).self)
        return EngineRecord(
            id: id, productID: productID, userID: userID, spec: try StoreJSON.decode(EngineSpec.self, spec),
            generation: generation, keyVersion: keyVersion, deletionRequestedAt: deletion.map(StoreJSON.date),
            createdAt: StoreJSON.date(created), specChangedAt: StoreJSON.date(specChanged),
            lastActivityAt: activity.map(StoreJSON.date), status: try StoreJSON.decode(EngineStatus.self, status),
            revision: revision, keyScheme: keyScheme
        )
    }
}
