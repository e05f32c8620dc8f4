import Crypto
import Foundation

/// The versioned list of master keys engine keys are derived from. The newest version derives
/// keys for new engines and rotations; older versions keep existing engines' keys valid until
/// they rotate, so the master key itself can be rotated without a migration.
///
/// Written as `ORCH_MASTER_KEY`: either one key (version 1) or `v2:KEY2,v1:KEY1`. A key is the
/// original's Fernet key (URL-safe base64 of 32 bytes) or any string of at least 32 bytes.
public struct MasterKeyring: Sendable {
    // Raw bytes, not `SymmetricKey`: swift-crypto 3.x's `SymmetricKey` is not `Sendable`.
    let keys: [Int: [UInt8]]
    public let currentVersion: Int

    public init(keys: [Int: SymmetricKey]) throws(ValidationError) {
        guard let newest = keys.keys.max() else {
            throw ValidationError(field: "ORCH_MASTER_KEY", message: "needs at least one key")
        }
        self.keys = keys.mapValues { key in key.withUnsafeBytes { Array($0) } }
        self.currentVersion = newest
    }

    /// Parses `ORCH_MASTER_KEY`. The error never repeats the value.
    public init(parsing text: String) throws(ValidationError) {
        var keys: [Int: SymmetricKey] = [:]
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for part in parts where !part.isEmpty {
            var version = 1
            var material = Substring(part)
            if part.hasPrefix("v"), let colon = part.firstIndex(of: ":"), let v = Int(part[part.index(after: part.startIndex)..<colon]) {
                version = v
                material = part[part.index(after: colon)...]
            } else if parts.count > 1 {
                throw ValidationError(field: "ORCH_MASTER_KEY", message: "with several keys, each must be written vN:KEY")
            }
            let bytes = Self.decodeKeyMaterial(String(material))
            guard bytes.count >= 32 else {
                throw ValidationError(field: "ORCH_MASTER_KEY", message: "key version \(version) is shorter than 32 bytes")
            }
            guard keys[version] == nil else {
                throw ValidationError(field: "ORCH_MASTER_KEY", message: "key version \(version) appears twice")
            }
            keys[version] = SymmetricKey(data: bytes)
        }
        try self.init(keys: keys)
    }

    /// A fresh random key in the original's format (URL-safe base64 of 32 bytes).
    public static func generateKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncodedString(padded: true)
    }

    func key(version: Int) -> SymmetricKey? { keys[version].map { SymmetricKey(data: $0) } }

    static func decodeKeyMaterial(_ text: String) -> [UInt8] {
        if let data = Data(base64URLEncoded: text), data.count == 32 { return Array(data) }
        return Array(text.utf8)
    }
}

extension Data {
    init?(base64URLEncoded text: String) {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s.append("=") }
        self.init(base64Encoded: s)
    }

    func base64URLEncodedString(padded: Bool = false) -> String {
        let s = base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return padded ? s : s.replacingOccurrences(of: "=", with: "")
    }
}

extension MasterKeyring: Redacted {
    /// Versions only: never a byte of a key.
    public var redactedDescription: String {
        "MasterKeyring(versions: \(keys.keys.sorted()), current: \(currentVersion), keys: <redacted>)"
    }
}
