import ArgumentParser

extension BAPEngine {
    /// The CLI verbs that talk to a running server (apply, get, describe, …), in `--help` order.
    static let clientVerbs: [any ParsableCommand.Type] = [
        ApplyCommand.self, DiffCommand.self, GetCommand.self,
    ]
}
