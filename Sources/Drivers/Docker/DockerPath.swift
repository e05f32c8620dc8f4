/// A Docker Engine API path in which every interpolated value is one percent-encoded path
/// segment: `"/images/\(image)/json"` can never become another call, whatever `image` holds.
///
/// Only RFC 3986's unreserved characters stay as they are; `/`, `?`, `#`, `%` and everything
/// else become `%XX` (dockerd decodes `%2F` back to `/`, so `team/app:1` still names its image).
/// Encoding alone is not enough for dot segments: dockerd's router cleans the *decoded* path,
/// so a value that is empty or holds a `.`/`..` component would climb out of its place. Such
/// a path is marked unsafe and `DockerClient.send` refuses it without sending anything.
struct DockerPath: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible, Equatable {
    /// The path as sent, values encoded.
    let encoded: String
    /// False when an interpolated value was empty or held a `.` or `..` component.
    let isSafe: Bool

    var description: String { encoded }

    init(stringLiteral value: String) {
        encoded = value
        isSafe = true
    }

    init(stringInterpolation: StringInterpolation) {
        encoded = stringInterpolation.encoded
        isSafe = stringInterpolation.isSafe
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var encoded = ""
        var isSafe = true

        init(literalCapacity: Int, interpolationCount: Int) {
            encoded.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { encoded += literal }

        mutating func appendInterpolation(_ segment: String) {
            let components = segment.split(separator: "/", omittingEmptySubsequences: false)
            if segment.isEmpty || components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { isSafe = false }
            encoded += DockerPath.percentEncoded(segment)
        }
    }

    /// Every byte outside `A-Z a-z 0-9 - . _ ~` as `%XX`.
    static func percentEncoded(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
