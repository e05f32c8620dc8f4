/// Closed-schema decoding: a field we do not know is an error, not something to ignore.
public enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws `ValidationError` naming the first unknown field (sorted, so the message is stable).
    public static func reject(unknownIn decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let allowedSet = Set(allowed)
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowedSet.contains($0) }).sorted().first {
            let path = (decoder.codingPath.map(\.stringValue) + [unknown]).joined(separator: ".")
            throw ValidationError(field: path, message: "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// A duration in whole seconds, written either as a number of seconds or as a string with a
/// unit: `90`, `"90s"`, `"15m"`, `"2h"`, `"7d"`.
public struct DurationSeconds: Sendable, Hashable, Codable {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) {
            self.seconds = n
            return
        }
        let text = try c.decode(String.self)
        guard let parsed = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected seconds or a duration like '15m', '2h', '7d'")
        }
        self.seconds = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(seconds)
    }

    public static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let last = text.last else { return nil }
        if let unit = units[last], let n = Int(text.dropLast()), n >= 0, n <= Int(Int32.max) { return n * unit }
        return Int(text)
    }
}
