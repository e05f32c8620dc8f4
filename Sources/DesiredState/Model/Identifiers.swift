import Foundation

/// Rules for identifiers that come from products and ops. User ids are product-chosen strings:
/// they are stored and compared verbatim but never used raw in a container or file name.
public enum Identifiers {
    public static let maxUserIDBytes = 256

    /// A user id is 1...256 UTF-8 bytes with no control characters.
    public static func validateUserID(_ userID: String, field: String = "user_id") throws(ValidationError) {
        if userID.isEmpty { throw ValidationError(field: field, message: "must not be empty") }
        if userID.utf8.count > maxUserIDBytes {
            throw ValidationError(field: field, message: "must be at most \(maxUserIDBytes) bytes")
        }
        if userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
    }

    /// A slug is 1...63 characters of lowercase letters, digits and '-', starting with a letter
    /// or digit (it appears in audit rows, logs and container labels).
    public static func validateSlug(_ slug: String, field: String = "slug") throws(ValidationError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard !slug.isEmpty, slug.count <= 63 else {
            throw ValidationError(field: field, message: "must be 1 to 63 characters")
        }
        guard slug.allSatisfy({ allowed.contains($0) }), slug.first != "-" else {
            throw ValidationError(field: field, message: "must contain only lowercase letters, digits and '-', and not start with '-'")
        }
    }

    /// A display name is 1...200 characters without control characters.
    public static func validateDisplayName(_ name: String, field: String = "display_name") throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: field, message: "must be 1 to 200 characters")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
    }
}
