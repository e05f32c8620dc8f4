import Crypto
import DesiredState
import Foundation
import Testing

@Suite("Engine key derivation and the master keyring")
struct KeysTests {
    static let masterText = "v1:" + String(repeating: "k", count: 32)
    static let product = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!  // literal: cannot fail

    static func deriver(_ text: String = masterText) throws -> EngineKeyDeriver {
        EngineKeyDeriver(keyring: try MasterKeyring(parsing: text))
    }

    @Test("a key is a stable function of master key, product, user, generation and version")
    func stableVector() throws {
        let deriver = try Self.deriver()
        let key = try #require(deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1))
        // Recomputed independently: HMAC-SHA256 over length-prefixed fields.
        var message = Data()
        for field in [Self.product.uuidString.lowercased(), "alice", "1"] {
            withUnsafeBytes(of: UInt32(field.utf8.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(Data(field.utf8))
        }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(String(repeating: "k", count: 32).utf8)))
        let expected = "sk-sept-v1-" + Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(key == expected)
        #expect(key == deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1))
        #expect(key.count == "sk-sept-v1-".count + 43)
    }

    @Test("keys differ per product, user, generation and master key version")
    func keysDiffer() throws {
        let deriver = try Self.deriver("v2:" + String(repeating: "b", count: 32) + ",v1:" + String(repeating: "k", count: 32))
        #expect(deriver.currentVersion == 2)
        let base = deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1)
        let variants = [
            deriver.key(productID: UUID(), userID: "alice", keyGeneration: 1, keyVersion: 1),
            deriver.key(productID: Self.product, userID: "bob", keyGeneration: 1, keyVersion: 1),
            deriver.key(productID: Self.product, userID: "alice", keyGeneration: 2, keyVersion: 1),
            deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 2),
            // Length prefixes: moving a character between fields changes the key.
            deriver.key(productID: Self.product, userID: "alice1", keyGeneration: 1, keyVersion: 1),
        ]
        #expect(base != nil)
        for variant in variants { #expect(variant != nil && variant != base) }
        #expect(Set(variants).count == variants.count)
        #expect(deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 3) == nil)
        #expect(try Self.deriver().key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1) == base)
    }

    @Test("a Fernet-format master key (base64url of 32 bytes) is accepted as version 1")
    func fernetKey() throws {
        let text = MasterKeyring.generateKeyText()
        let keyring = try MasterKeyring(parsing: text)
        #expect(keyring.currentVersion == 1)
    }

    @Test("keyring parsing errors name the variable and never echo the key", arguments: [
        "short-secret-value",
        "v1:" + String(repeating: "s", count: 40) + ",v1:" + String(repeating: "t", count: 40),
        String(repeating: "q", count: 40) + "," + String(repeating: "r", count: 40),
        "",
    ])
    func parsingErrors(text: String) {
        #expect { _ = try MasterKeyring(parsing: text) } throws: { error in
            guard let error = error as? ValidationError else { return false }
            let shown = error.description
            let secrets = text.split(separator: ",").map { $0.split(separator: ":").last.map(String.init) ?? "" }.filter { $0.count > 4 }
            return error.field == "ORCH_MASTER_KEY" && secrets.allSatisfy { !shown.contains($0) }
        }
    }

    @Test("secret hashing is hex SHA-256 and comparison is exact")
    func secretHash() {
        #expect(SecretHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SecretHash.constantTimeEquals("pk-a", "pk-a"))
        #expect(!SecretHash.constantTimeEquals("pk-a", "pk-b"))
        let key = SecretHash.newPlatformKey()
        #expect(key.hasPrefix("pk-sept-") && key.count == 8 + 43 && key != SecretHash.newPlatformKey())
    }
}

@Suite("Engine key schemes and redaction")
struct KeySchemeTests {
    static let product = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!  // literal: cannot fail

    @Test("scheme 1 is the old derivation; scheme 2 adds the engine id, so each incarnation has its own key")
    func schemes() throws {
        let deriver = try KeysTests.deriver()
        let (a, b) = (UUID(), UUID())
        let legacy = deriver.key(productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1)
        #expect(legacy != nil)
        #expect(deriver.key(engineID: a, productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1, keyScheme: 1) == legacy)
        let s2a = deriver.key(engineID: a, productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1, keyScheme: 2)
        let s2b = deriver.key(engineID: b, productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1, keyScheme: 2)
        #expect(s2a != nil && s2a != legacy && s2a != s2b)
        #expect(s2a == deriver.key(engineID: a, productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1, keyScheme: 2))
        #expect(deriver.key(engineID: a, productID: Self.product, userID: "alice", keyGeneration: 1, keyVersion: 1, keyScheme: 9) == nil)
    }

    @Test("the keyring and deriver print no key material in any form: description, debugDescription, dump, a parent's description")
    func redacted() throws {
        let material = Data((0..<32).map { UInt8($0 * 7 % 251) })
        let text = material.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let deriver = EngineKeyDeriver(keyring: try MasterKeyring(parsing: text))
        struct Holder { var deriver: EngineKeyDeriver; var name = "x" }
        var dumped = ""
        dump(deriver, to: &dumped)
        var dumpedHolder = ""
        dump(Holder(deriver: deriver), to: &dumpedHolder)
        let printed = [
            "\(deriver)", String(reflecting: deriver), "\(deriver.keyring)", String(reflecting: deriver.keyring), dumped, dumpedHolder,
            "\(Holder(deriver: deriver))", String(reflecting: Holder(deriver: deriver)),
        ]
        let bytes = Array(material)
        let forms = [text, material.base64EncodedString(), bytes.map { String(format: "%02x", $0) }.joined(), "\(bytes)",
                     bytes.prefix(4).map(String.init).joined(separator: ", ")]
        for out in printed {
            for form in forms { #expect(!out.contains(form), "printed key material: \(out)") }
            #expect(out.contains("redacted") || out.contains("EngineKeyDeriver") || out.contains("MasterKeyring"))
        }
    }
}
