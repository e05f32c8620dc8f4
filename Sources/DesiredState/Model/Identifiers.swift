import Foundation

/// Rules for identifiers that come from products and ops. User ids are product-chosen strings:
/// they are stored and compared verbatim but never used raw in a container or file name.
public enum Identifiers {
    public static let maxUserIDBytes = 256

    /// A user id is 1...256 UTF-8 bytes, not only whitespace, with no control characters and
    /// none of the invisible characters that make two ids look alike or reorder text around
    /// them (`invisibleScalars`): an id shown in a table, a log or a fleet file reads as what it is.
    public static func validateUserID(_ userID: String, field: String = "user_id") throws(ValidationError) {
        if userID.isEmpty { throw ValidationError(field: field, message: "must not be empty") }
        if userID.utf8.count > maxUserIDBytes {
            throw ValidationError(field: field, message: "must be at most \(maxUserIDBytes) bytes")
        }
        if userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
        if let bad = userID.unicodeScalars.first(where: { invisibleScalars.contains($0.value) }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            throw ValidationError(field: field, message: "must not contain U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code) (bidi controls, zero-width characters and line or paragraph separators are refused)")
        }
        if userID.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            throw ValidationError(field: field, message: "must not be only whitespace")
        }
    }

    /// Bidi controls (U+200E/F, U+202A–202E, U+2066–2069), zero-width characters (U+200B–200D,
    /// U+2060, U+FEFF) and the line and paragraph separators (U+2028/2029, which YAML and
    /// JavaScript read as line breaks).
    public static let invisibleScalars: Set<UInt32> = Set(
        [0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF] + Array(0x202A...0x202E) + Array(0x2066...0x2069) + Array(0x200B...0x200D)
    )

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
