import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts an engine process detached from the orchestrator: its own session (it outlives the
/// orchestrator and no terminal signal reaches it), stdin from /dev/null, stdout and stderr
/// appended to its log, default signal dispositions and an empty signal mask (the
/// orchestrator ignores SIGTERM for its own graceful shutdown; the engine must not inherit
/// that), and no other inherited descriptor (a leaked listening socket would keep the
/// orchestrator's port busy after it exits).
enum ProcessSpawner {
    /// glibc's POSIX_SPAWN_SETSID (a GNU extension the Swift overlay may not expose).
    private static let setSID: Int32 = 0x80

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34), looked up at run time since
    /// the Glibc module does not declare it. Without it, descriptors opened without
    /// close-on-exec would leak into engines.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    static func spawn(executable: String, arguments: [String], environment: [String: String], logPath: String) throws(DriverError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = closeFrom { _ = closeFrom(&actions, 3) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(setSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [executable] + arguments
        let envp = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, executable, &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(result))
            if result == ENOENT || result == EACCES || result == ENOEXEC {
                throw DriverError(.imageNotFound, "The Engine executable cannot be run.", detail: "\(executable): \(reason)")
            }
            throw DriverError(.unavailable, "The engine process could not be started.", detail: "\(executable): \(reason)")
        }
        return pid
    }

    /// A NULL-terminated array of C strings, valid inside `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
