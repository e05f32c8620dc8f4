import Foundation

/// Which images a product may pin (`engine_version`, `spec.image`, an engine's `image` in a
/// fleet file): the operator's `ORCH_ALLOWED_IMAGES`, plus the image of the product's own
/// template (only the admin sets templates, and it runs for the product's engines anyway).
///
/// Entries are references compared after Docker's normalization (`x` = `docker.io/library/x`,
/// no tag = `:latest`), so another registry or path never matches by accident:
/// - `registry.example.com/engines/september-engine:2.3.0`: exactly that (a digest pin of it
///   is another image and does not match);
/// - `september-engine:*` or `september-engine:2.*`: tags of that repository matching the
///   pattern (`:*` also admits a digest pin);
/// - `registry.example.com/engines/*`: every repository under that path;
/// - `*`: any valid reference.
public struct ImagePolicy: Sendable, Equatable {
    enum Rule: Sendable, Equatable {
        case exact(repository: String, tag: String?, digest: String?)
        case tags(repository: String, pattern: String)
        case under(prefix: String)
        case any
    }

    let rules: [Rule]

    /// Every valid reference: for the process driver, where an image is only a label.
    public static let anyReference = ImagePolicy(rules: [.any])

    /// Nothing but the product template's image.
    public static let templatesOnly = ImagePolicy(rules: [])

    init(rules: [Rule]) { self.rules = rules }

    /// Parses `ORCH_ALLOWED_IMAGES`: comma-separated entries as described above. A malformed
    /// entry throws naming it (an allowlist is configuration, not a secret).
    public init(allowing list: String) throws(ValidationError) {
        var rules: [Rule] = []
        for raw in list.split(separator: ",") {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            guard let rule = Self.rule(entry) else {
                throw ValidationError(field: "ORCH_ALLOWED_IMAGES", message: "'\(entry)' is not an image reference, 'name:*', 'name:tag-pattern*' or 'path/*'")
            }
            rules.append(rule)
        }
        guard !rules.isEmpty else { throw ValidationError(field: "ORCH_ALLOWED_IMAGES", message: "names no image") }
        self.init(rules: rules)
    }

    /// The default on Docker: any tag (or digest) of `engineImage`'s repository.
    public static func anyTag(of engineImage: String) throws(ValidationError) -> ImagePolicy {
        guard let reference = ImageReference(engineImage) else {
            throw ValidationError(field: "ORCH_ENGINE_IMAGE", message: "must be a Docker image reference like 'name:tag'")
        }
        return ImagePolicy(rules: [.tags(repository: reference.repository, pattern: "*")])
    }

    /// Whether a product may pin `image`. `templateImage` is its product template's image.
    /// An invalid reference is never allowed.
    public func allows(_ image: String, templateImage: String?) -> Bool {
        guard let reference = ImageReference(image) else { return false }
        if let templateImage, let template = ImageReference(templateImage), Self.sameImage(reference, template) { return true }
        return rules.contains { Self.matches($0, reference) }
    }

    // MARK: Helpers

    static func rule(_ entry: String) -> Rule? {
        if entry == "*" { return .any }
        if entry.hasSuffix("/*") {
            // A prefix is a repository path without tag: parse it as one.
            guard let prefix = ImageReference(String(entry.dropLast(2))), prefix.tag == nil, prefix.digest == nil else { return nil }
            return .under(prefix: (prefix.domain.map(Self.host) ?? "docker.io") + "/" + prefix.path)
        }
        if let colon = entry.lastIndex(of: ":"), !entry[colon...].contains("/"), entry[colon...].contains("*") {
            let pattern = String(entry[entry.index(after: colon)...])
            // The pattern must be a valid tag once its stars are letters.
            guard pattern == "*" || ImageReference("x:" + pattern.replacingOccurrences(of: "*", with: "x")) != nil,
                  let name = ImageReference(String(entry[..<colon])), name.tag == nil, name.digest == nil
            else { return nil }
            return .tags(repository: name.repository, pattern: pattern)
        }
        guard let reference = ImageReference(entry) else { return nil }
        return .exact(repository: reference.repository, tag: reference.effectiveTag, digest: reference.digest)
    }

    static func matches(_ rule: Rule, _ image: ImageReference) -> Bool {
        switch rule {
        case .any:
            return true
        case .under(let prefix):
            return image.repository.hasPrefix(prefix + "/")
        case .tags(let repository, let pattern):
            guard image.repository == repository else { return false }
            if let tag = image.tag { return glob(pattern, matches: tag) }
            return pattern == "*"  // A bare digest pin: only when every tag is allowed.
        case .exact(let repository, let tag, let digest):
            return image.repository == repository && image.effectiveTag == tag && image.digest == digest
        }
    }

    static func sameImage(_ a: ImageReference, _ b: ImageReference) -> Bool {
        a.repository == b.repository && a.effectiveTag == b.effectiveTag && a.digest == b.digest
    }

    static func host(_ domain: String) -> String { domain == "index.docker.io" ? "docker.io" : domain }

    /// `*` matches any run of characters; everything else matches itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] != "*", p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

extension ImageReference {
    /// The tag Docker uses: the written one, `latest` when neither tag nor digest is written.
    var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }
}
