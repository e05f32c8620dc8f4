import ArgumentParser

extension BAPEngine {
    /// The CLI verbs that talk to a running server (apply, get, describe, …), in `--help` order.
    static let clientVerbs: [any ParsableCommand.Type] = [
        ApplyCommand.self, DiffCommand.self, GetCommand.self, DescribeCommand.self, WaitCommand.self,
        SleepCommand.self, WakeCommand.self, RotateKeyCommand.self, DeleteCommand.self,
        LogsCommand.self, StatusCommand.self, AuditCommand.self, ConfigCommand.self,
    ]
}
