import Foundation

/// Where the real services of an integration run are. `scripts/test` starts them and exports
/// these variables; a test that needs one and finds it missing fails (it never skips).
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String { "\(variable) is not set: run the tests with scripts/test, which starts Postgres and dockerd" }
    }

    public static func require(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { throw Missing(variable: variable) }
        return value
    }

    /// `postgres://user@host:port/db` of a throwaway cluster (the test may create databases).
    public static func postgresURL() throws -> String { try require("BAP_TEST_POSTGRES_URL") }
    /// Path of the Docker socket of the test daemon.
    public static func dockerSocket() throws -> String { try require("BAP_TEST_DOCKER_SOCKET") }
    /// The Engine image built by scripts/build-engine-image.
    public static func engineImage() throws -> String { try require("BAP_TEST_ENGINE_IMAGE") }
    /// The built ExampleEngine executable (for the process driver).
    public static func engineBinary() throws -> String { try require("BAP_TEST_ENGINE_BIN") }

    /// A short random id to label and name everything one test creates.
    public static func runID() -> String { String(UUID().uuidString.prefix(8)).lowercased() }
}

/// Polls `condition` until it returns true or `timeout` passes; throws on timeout. Use it
/// instead of sleeps: it returns as soon as the world is as expected.
public func eventually(
    timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
    _ what: @autoclosure () -> String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw EventuallyTimeout(what: what(), timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}

public struct EventuallyTimeout: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public var description: String { "timed out after \(timeout) waiting for \(what)" }
}
