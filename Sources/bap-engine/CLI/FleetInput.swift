import DesiredState
import Foundation

/// Reads `-f FILE` or `-f -` (standard input) and checks it locally, so a broken file is
/// reported with its file, line and column before anything is sent.
struct FleetInput {
    var name: String
    var text: String
    var spec: FleetSpec

    init(path: String) throws {
        if path == "-" {
            name = "-"
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            name = path
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            text = String(decoding: data, as: UTF8.self)
        }
        do { spec = try FleetParser.parse(text, file: name) } catch { throw CLIError("\(error)") }
    }
}

/// `--timeout` values: `90`, `90s`, `5m`, `1h`.
enum TimeoutText {
    static func seconds(_ text: String) throws -> Int {
        guard let seconds = DurationSeconds.parse(text), seconds > 0 else { throw CLIError("--timeout must look like 90s, 5m or 1h") }
        return seconds
    }
}
