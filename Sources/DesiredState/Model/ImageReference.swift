import Foundation

/// A Docker image reference, parsed by Docker's own grammar (distribution/reference):
/// `[domain[:port]/]path[:tag][@algorithm:hex]`, the path lowercase components joined by `/`.
///
/// The grammar alone rules out what a hostile caller would try: a leading `/` (a host path),
/// `..`, `?`, `#`, `%`, whitespace and control characters cannot appear, so a reference is
/// never a program path and never changes the meaning of a URL it is put into.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host (with port) as written; nil when none was written.
    public var domain: String?
    /// The repository path as written, e.g. `engines/september-engine`.
    public var path: String
    public var tag: String?
    public var digest: String?

    /// Longest accepted reference (Docker caps the name at 255 bytes).
    public static let maxLength = 255

    /// Parses `text`; nil when it is not a valid reference.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength, text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) else { return nil }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let digest = String(rest[rest.index(after: at)...])
            guard Self.isDigest(digest) else { return nil }
            self.digest = digest
            rest = rest[..<at]
        }
        // A tag follows the last `:` that comes after the last `/` (a `:` before it is a port).
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let tag = String(rest[rest.index(after: colon)...])
            guard Self.isTag(tag) else { return nil }
            self.tag = tag
            rest = rest[..<colon]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.count > 1, Self.looksLikeDomain(components[0]) {
            guard Self.isDomain(components[0]) else { return nil }
            domain = components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(Self.isPathComponent) else { return nil }
        path = components.joined(separator: "/")
    }

    /// The repository as Docker resolves it: `docker.io/library/x` for a bare `x`.
    public var repository: String {
        var host = domain ?? "docker.io"
        if host == "index.docker.io" { host = "docker.io" }
        let fullPath = host == "docker.io" && !path.contains("/") ? "library/" + path : path
        return host + "/" + fullPath
    }

    public var description: String {
        (domain.map { $0 + "/" } ?? "") + path + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// Throws the API's validation error naming `field` when `text` is not a valid reference.
    public static func validate(_ text: String, field: String) throws(ValidationError) {
        guard ImageReference(text) != nil else {
            throw ValidationError(field: field, message: "must be a Docker image reference like 'name:tag' or 'registry.example.com/team/name:tag' (lowercase path; no '/' at the start, '..', '?', '#', '%' or spaces; at most \(maxLength) characters)")
        }
    }

    // MARK: Grammar

    /// Docker's rule: the first component is a host when it has a `.` or `:`, or is `localhost`.
    static func looksLikeDomain(_ component: String) -> Bool {
        component.contains(".") || component.contains(":") || component == "localhost"
    }

    /// `label(.label)*(:port)?`, each label alphanumeric with inner `-`.
    static func isDomain(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].count <= 5, parts[1].allSatisfy(\.isASCIIDigit) else { return false } }
        let labels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return first.isASCIIAlnum && last.isASCIIAlnum && label.allSatisfy { $0.isASCIIAlnum || $0 == "-" }
        }
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
    static func isPathComponent(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, first.isLowerAlnum, last.isLowerAlnum else { return false }
        var separator = ""
        for character in text {
            if character.isLowerAlnum {
                guard separator.isEmpty || separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" }) else { return false }
                separator = ""
            } else if character == "." || character == "_" || character == "-" {
                separator.append(character)
            } else {
                return false
            }
        }
        return true
    }

    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    static func isTag(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 128, first.isASCIIAlnum || first == "_" else { return false }
        return text.allSatisfy { $0.isASCIIAlnum || $0 == "_" || $0 == "." || $0 == "-" }
    }

    /// `algorithm:hex`, the hex part at least 32 digits.
    static func isDigest(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts[0].first, first.isASCIILetter, parts[1].count >= 32 else { return false }
        return parts[0].allSatisfy { $0.isASCIIAlnum || "-_+.".contains($0) } && parts[1].allSatisfy(\.isHexDigit)
    }
}

fileprivate extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
    var isASCIIAlnum: Bool { isASCII && (isLetter || isNumber) }
    var isLowerAlnum: Bool { isASCII && (isLowercase || isNumber) }
}
