import Yams

/// Writes desired state as fleet YAML in one canonical form: products by slug, then engines by
/// product and user, every field explicit, keys in a fixed order. The server exports the live
/// fleet with it (`GET /v1/fleet`) and `diff` renders the local file with it, so equal desired
/// states give byte-equal text and a unified diff shows only real changes.
public enum FleetYAMLWriter {
    /// A whole fleet; `ProductUpsert.newKeyHash` is not written.
    public static func write(products: [ProductUpsert], engines: [EngineUpsert]) -> String {
        let docs = products.sorted { $0.slug < $1.slug }.map(product)
            + engines.sorted { ($0.productSlug, $0.userID) < ($1.productSlug, $1.userID) }.map(engine)
        return docs.joined(separator: "---\n")
    }

    public static func product(_ p: ProductUpsert) -> String {
        var out = "kind: Product\nslug: \(scalar(p.slug))\ndisplay_name: \(scalar(p.displayName))\n"
        let policy = policyLines(p.policy)
        out += policy.isEmpty ? "policy: {}\n" : "policy:\n" + policy.map { "  \($0)\n" }.joined()
        return out
    }

    public static func engine(_ e: EngineUpsert) -> String {
        var out = "kind: Engine\nproduct: \(scalar(e.productSlug))\nuser: \(scalar(e.userID))\n"
        out += "state: \(e.spec.state.rawValue)\nkey_generation: \(e.spec.keyGeneration)\n"
        if let image = e.spec.image { out += "image: \(scalar(image))\n" }
        return out
    }

    static func policyLines(_ p: Policy) -> [String] {
        var lines: [String] = []
        if let v = p.maxEngines { lines.append("max_engines: \(v)") }
        if let v = p.rateLimitRPM { lines.append("rate_limit_rpm: \(v)") }
        if let v = p.autoProvision { lines.append("auto_provision: \(v)") }
        if let v = p.autoWake { lines.append("auto_wake: \(v)") }
        if let v = p.idleSleepAfter { lines.append("idle_sleep_after: \(duration(v))") }
        if let v = p.destroyAfterAsleep { lines.append("destroy_after_asleep: \(duration(v))") }
        lines.append("sleep_mode: \(p.sleepMode.rawValue)")
        let t = p.template
        var template: [String] = []
        if let v = t.image { template.append("image: \(scalar(v))") }
        if let v = t.memoryMB { template.append("memory_mb: \(v)") }
        if let v = t.cpus { template.append("cpus: \(v)") }
        if !t.env.isEmpty {
            template.append("env:")
            template += t.env.keys.sorted().map { "  \(scalar($0)): \(scalar(t.env[$0] ?? ""))" }
        }
        if !template.isEmpty { lines.append("template:"); lines += template.map { "  \($0)" } }
        return lines
    }

    /// `900` → `15m`; whole days, hours or minutes use the largest unit, anything else seconds.
    static func duration(_ seconds: Int) -> String {
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where seconds > 0 && seconds % size == 0 {
            return "\"\(seconds / size)\(unit)\""
        }
        return "\(seconds)"
    }

    /// A string as a YAML scalar: plain when it cannot be read as anything but this string,
    /// double-quoted (JSON-style escapes) otherwise.
    static func scalar(_ s: String) -> String {
        if isPlainSafe(s) { return s }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if mustEscape(u) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Characters a YAML reader would not take literally inside double quotes: C0 and C1
    /// controls and DEL, the characters YAML reads as line breaks (U+0085, U+2028, U+2029), the
    /// byte-order mark and the non-characters U+FFFE/FFFF (outside YAML's printable set). All
    /// are in the BMP, so `\uXXXX` writes each.
    static func mustEscape(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0..<0x20, 0x7f...0x9f, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// ASCII letters, digits and `_./@+=:-`, starting with a letter, digit or `/`, not ending
    /// in `:`, and read back by Yams as a string (not a number, boolean, null or timestamp).
    static func isPlainSafe(_ s: String) -> Bool {
        let extra = Set("_./@+=:-".unicodeScalars)
        func isAlnum(_ u: Unicode.Scalar) -> Bool { u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u)) }
        guard let first = s.unicodeScalars.first, isAlnum(first) || first == "/", s.last != ":" else { return false }
        guard s.unicodeScalars.allSatisfy({ isAlnum($0) || extra.contains($0) }) else { return false }
        return Resolver.default.resolveTag(of: Node(s)) == .str
    }
}
