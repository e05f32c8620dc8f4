import Foundation

/// One run of the real `bap-engine` binary as a CLI: arguments, working directory and a clean
/// environment (nothing bap-related exported, `HOME` and `XDG_CONFIG_HOME` pointing at a
/// temporary directory), with its exit status and output.
struct LocalCLI {
    var directory: URL
    var configHome: URL
    var extraEnv: [String: String] = [:]

    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// A fresh working directory and config home under the temporary directory.
    static func fresh() throws -> LocalCLI {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bap-cli-\(UUID().uuidString.prefix(8))")
        let work = root.appendingPathComponent("work"), config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        return LocalCLI(directory: work, configHome: config)
    }

    /// The config file this environment uses.
    var configFile: String { configHome.path + "/bap-engine/config" }

    func callAsFunction(_ arguments: String..., in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ServerProcess.serverBinary())
        p.arguments = arguments
        p.currentDirectoryURL = directory ?? self.directory
        var env = EmbeddedServer.cleanEnvironment()
        env["HOME"] = configHome.path
        env["XDG_CONFIG_HOME"] = configHome.path
        env.merge(extraEnv) { _, new in new }
        p.environment = env
        // Output to files: nothing to drain while it runs, so no pipe can fill and block it.
        let outPath = configHome.path + "/.out-\(UUID().uuidString)", errPath = outPath + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        p.waitUntilExit()
        let outData = FileManager.default.contents(atPath: outPath) ?? Data()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
