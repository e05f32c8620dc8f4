import DesiredState
import Foundation
import Testing

/// Issue #10 item 9: user ids that read as something else are refused; every accepted id
/// survives a fleet export and parse unchanged.
@Suite("User ids: refused look-alikes and a lossless fleet round trip")
struct UserIDTests {
    @Test("whitespace-only ids and ids with bidi, zero-width or separator characters are refused", arguments: [
        " ", "   ", "\u{3000}", "\u{00A0}", "a\u{202A}b", "a\u{202E}b", "a\u{2066}b", "a\u{2069}b", "a\u{200E}", "\u{200F}a",
        "a\u{200B}b", "a\u{200C}", "a\u{200D}b", "\u{FEFF}a", "a\u{2060}", "a\u{2028}b", "a\u{2029}", "a\u{0085}b",
    ])
    func refused(id: String) {
        #expect(throws: ValidationError.self) { try Identifiers.validateUserID(id) }
    }

    @Test("ordinary ids, including non-Latin ones and inner spaces, are accepted", arguments: [
        "alice", "user@example.com", "Zoë Ångström", "用户-42", "a b", " lead", "emoji-😀", "ü\u{0301}",
    ])
    func accepted(id: String) throws {
        try Identifiers.validateUserID(id)
    }

    /// Random ids over ranges that exercise YAML: ASCII punctuation, Latin-1 (incl. NEL and
    /// NBSP), general punctuation (separators, bidi), specials (BOM, U+FFFE/FFFF), CJK, astral.
    static let ranges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x7F...0xFF, 0x2000...0x206F, 0xFE00...0xFFFF, 0x4E00...0x4E20, 0x1F600...0x1F64F, 0x10000...0x10030, 0xE000...0xE010,
    ]

    @Test("fleet export then parse is the identity on every accepted user id (2,000 random ids)")
    func exportParseIdentity() throws {
        var rng = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<2_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let range = Self.ranges.randomElement(using: &rng)!  // non-empty literal array
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
            }
            let id = String(scalars)
            guard (try? Identifiers.validateUserID(id)) != nil else { continue }
            accepted += 1
            let text = FleetYAMLWriter.write(products: [], engines: [EngineUpsert(productSlug: "demo", userID: id, spec: EngineSpec())])
            let parsed = try FleetParser.parse(text, file: "export.yaml")
            let back = try #require(parsed.engines.first?.user, "no engine parsed back from \(text.debugDescription)")
            #expect(Array(back.unicodeScalars) == Array(id.unicodeScalars), "\(id.debugDescription) came back as \(back.debugDescription)")
        }
        #expect(accepted > 500, "the generator should produce mostly accepted ids (got \(accepted))")
    }
}
