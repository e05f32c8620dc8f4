import ArgumentParser

extension BAPEngine {
    /// The CLI verbs that talk to a running server (apply, get, describe, …).
    static let clientVerbs: [any ParsableCommand.Type] = []
}
