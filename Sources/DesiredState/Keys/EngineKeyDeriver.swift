import Crypto
import Foundation

/// Engine keys are derived, never stored: `HMAC-SHA256(master[v], fields)`, written
/// `sk-sept-v<v>-<base64url>`. Rotation bumps the key generation. The engine receives only
/// `ENGINE_KEY_HASH` (hex SHA-256 of the key).
///
/// Two derivation schemes, chosen per engine by its stored `key_scheme`:
/// - 1: fields (product, user, generation). Engines created before schema migration 3 keep it,
///   so their keys stay what their products hold.
/// - 2: fields ("s2", product, user, generation, engine id). Every engine created since. The
///   engine id is new for each incarnation, so destroying a user's engine and provisioning the
///   same user again gives a key the old one cannot open (generation restarts at 1).
public struct EngineKeyDeriver: Sendable {
    public let keyring: MasterKeyring

    /// The scheme new engines get.
    public static let currentScheme = 2

    public init(keyring: MasterKeyring) {
        self.keyring = keyring
    }

    public var currentVersion: Int { keyring.currentVersion }

    /// The plaintext key by scheme 1 (product, user, generation). Returns nil when the engine's
    /// master key version is no longer configured (its key cannot be derived any more; rotate
    /// the engine's key).
    public func key(productID: UUID, userID: String, keyGeneration: Int, keyVersion: Int) -> String? {
        mac(keyVersion: keyVersion, fields: [productID.uuidString.lowercased(), userID, String(keyGeneration)])
    }

    /// The plaintext key by the engine's own scheme: 1 as above, 2 with the engine id. An
    /// unknown scheme derives nothing (nil), like a missing master key version.
    public func key(engineID: UUID, productID: UUID, userID: String, keyGeneration: Int, keyVersion: Int, keyScheme: Int) -> String? {
        switch keyScheme {
        case 1: key(productID: productID, userID: userID, keyGeneration: keyGeneration, keyVersion: keyVersion)
        case 2: mac(keyVersion: keyVersion, fields: ["s2", productID.uuidString.lowercased(), userID, String(keyGeneration), engineID.uuidString.lowercased()])
        default: nil
        }
    }

    /// The key for an engine record as it stands.
    public func key(for engine: EngineRecord) -> String? {
        key(engineID: engine.id, productID: engine.productID, userID: engine.userID, keyGeneration: engine.spec.keyGeneration,
            keyVersion: engine.keyVersion, keyScheme: engine.keyScheme)
    }

    /// The key for a resync's narrow row.
    public func key(for engine: EngineSummary) -> String? {
        key(engineID: engine.id, productID: engine.productID, userID: engine.userID, keyGeneration: engine.spec.keyGeneration,
            keyVersion: engine.keyVersion, keyScheme: engine.keyScheme)
    }

    /// Length-prefixed fields: no two field lists share an input (scheme 1 starts with a
    /// 36-byte field, scheme 2 with a 2-byte one).
    private func mac(keyVersion: Int, fields: [String]) -> String? {
        guard let master = keyring.key(version: keyVersion) else { return nil }
        var message = Data()
        for field in fields {
            let bytes = Data(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(bytes)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: master)
        return "sk-sept-v\(keyVersion)-" + Data(mac).base64URLEncodedString()
    }
}
/// Hashing and comparing secrets: platform keys and engine keys are stored and passed on only
/// as hex SHA-256; comparisons take constant time.
public enum SecretHash {
    /// On every authenticated request (the platform key's hash is how its product is found):
    /// hex by table, not `String(format:)` per byte (that was 5 % of an admit's CPU).
    public static func sha256Hex(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Constant-time equality: compares the SHA-256 digests with swift-crypto's digest `==`,
    /// which is constant time, so neither content nor length of `a` leaks.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        SHA256.hash(data: Data(a.utf8)) == SHA256.hash(data: Data(b.utf8))
    }

    /// A new platform key `pk-sept-<43 chars>`: 256 random bits.
    public static func newPlatformKey() -> String {
        "pk-sept-" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncodedString()
    }
}

extension EngineKeyDeriver: Redacted {
    public var redactedDescription: String { "EngineKeyDeriver(\(keyring.redactedDescription))" }
}
