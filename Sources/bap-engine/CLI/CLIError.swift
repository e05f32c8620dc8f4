import ArgumentParser
import Foundation

/// A failure the CLI reports as one line on standard error, then exits non-zero. Never carries a
/// key. `exitCode` is 1 unless a verb has its own convention (`diff`: 2 for errors).
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 1

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

/// Runs a verb's body with an API client, printing any failure as one line (no stack trace)
/// and turning it into the process exit code. The client is always shut down.
enum CLI {
    static func run(_ options: ClientOptions, errorExitCode: Int32 = 1, _ body: (APIClient) async throws -> Int32) async throws {
        let outcome: Result<Int32, any Error>
        switch Result(catching: { try ClientTarget.resolve(options) }) {
        case .success(let target):
            let api = APIClient(target: target)
            do { outcome = .success(try await body(api)) } catch { outcome = .failure(error) }
            await api.shutdown()
        case .failure(let error):
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let code):
            if code != 0 { throw ExitCode(code) }
        case .failure(let error as CLIError):
            printError(error.message)
            throw ExitCode(error.exitCode == 1 ? errorExitCode : error.exitCode)
        case .failure(let error as ExitCode):
            throw error
        case .failure(let error):
            printError("\(error)".split(separator: "\n").first.map(String.init) ?? "failed")
            throw ExitCode(errorExitCode)
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Flushes standard output (all C streams: `stdout` itself is not concurrency-safe to name).
    static func flush() { fflush(nil) }

    /// True when standard output is a terminal (live progress) rather than a pipe (plain lines).
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
}
