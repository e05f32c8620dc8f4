/// The one error type of the store. `description` is safe to show a user; `debugDescription`
/// may carry backend detail for logs (never a key: the store never sees one).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: Sendable, Equatable {
        case productNotFound
        case productSlugExists
        case engineNotFound
        case engineAlreadyExists
        /// `max_engines` reached; carries the limit.
        case quotaExceeded(limit: Int)
        /// Optimistic concurrency: the caller's expected generation is not the current one.
        case generationConflict(current: Int64)
        case invalid(ValidationError)
        /// The backend cannot be reached or failed; retry later.
        case unavailable
        /// `changes(since:)` was asked for entries that retention dropped (everything up to
        /// `through`): start over from a snapshot.
        case compacted(through: Int64)
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .productNotFound: "Product not found."
        case .productSlugExists: "A product with this slug already exists."
        case .engineNotFound: "No engine for this user_id."
        case .engineAlreadyExists: "An engine for this user_id already exists."
        case .quotaExceeded(let limit): "Product at max_engines limit (\(limit))."
        case .generationConflict(let current): "The engine changed since it was read (current generation \(current))."
        case .invalid(let error): error.description
        case .unavailable: "The store is unavailable."
        case .compacted(let through): "Changes up to revision \(through) are no longer kept; start over from a snapshot."
        }
    }

    /// `.compacted`: the change log no longer reaches back far enough.
    public var isCompacted: Bool {
        if case .compacted = code { return true }
        return false
    }

    public var debugDescription: String { detail.isEmpty ? description : "\(description) [\(detail)]" }
}
