import Crypto
import Foundation

/// Engine keys are derived, never stored: `HMAC-SHA256(master[v], product | user | generation)`,
/// written `sk-sept-v<v>-<base64url>`. Rotation bumps the key generation. The engine receives
/// only `ENGINE_KEY_HASH` (hex SHA-256 of the key).
public struct EngineKeyDeriver: Sendable {
    public let keyring: MasterKeyring

    public init(keyring: MasterKeyring) {
        self.keyring = keyring
    }

    public var currentVersion: Int { keyring.currentVersion }

    /// The plaintext key. Returns nil when the engine's master key version is no longer
    /// configured (its key cannot be derived any more; rotate the engine's key).
    public func key(productID: UUID, userID: String, keyGeneration: Int, keyVersion: Int) -> String? {
        guard let master = keyring.key(version: keyVersion) else { return nil }
        // Length-prefixed fields: no two (product, user, generation) triples share an input.
        var message = Data()
        for field in [productID.uuidString.lowercased(), userID, String(keyGeneration)] {
            let bytes = Data(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(bytes)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: master)
        return "sk-sept-v\(keyVersion)-" + Data(mac).base64URLEncodedString()
    }

    /// The key for an engine record as it stands.
    public func key(for engine: EngineRecord) -> String? {
        key(productID: engine.productID, userID: engine.userID, keyGeneration: engine.spec.keyGeneration, keyVersion: engine.keyVersion)
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
