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
    public static func sha256Hex(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

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
