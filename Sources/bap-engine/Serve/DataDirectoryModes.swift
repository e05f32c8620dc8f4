import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the data directory private to the orchestrator's user: it holds the SQLite store,
/// the generated keys and every engine's brain and log.
///
/// `serve` sets the umask to 077 before it creates anything, so every file it (and every
/// process engine, which inherits the umask) creates is 0600 and every directory 0700.
/// Files made by an older version (0644/0755) are repaired once at boot by `repair`.
enum DataDirectoryModes {
    /// No group or other bits on anything created from now on, by this process or its children.
    static func restrictUmask() {
        umask(0o077)
    }

    /// What the orchestrator keeps directly in the data directory; only these (and `root`
    /// itself) are repaired, so a data directory pointed at a shared place by mistake does not
    /// have other people's files changed.
    static let ownEntries = ["bap.sqlite", "bap.sqlite-wal", "bap.sqlite-shm", "bap.sqlite-journal", "admin.key", "master.key", "engines"]

    /// Walks `root` once (not following symbolic links) and clears the group and other bits of
    /// `root`, of `ownEntries` and of every directory and regular file under `engines/`. A
    /// missing root is nothing to do. Answers how many modes it changed.
    @discardableResult
    static func repair(_ root: String) -> Int {
        var changed = 0
        var info = stat()
        if lstat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_mode & 0o077 != 0, chmod(root, info.st_mode & 0o700) == 0 { changed += 1 }
        var pending = ownEntries.map { root + "/" + $0 }
        while let path = pending.popLast() {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            guard type == S_IFDIR || type == S_IFREG else { continue }
            let mode = info.st_mode & 0o7777
            if mode & 0o077 != 0, chmod(path, mode & 0o700) == 0 { changed += 1 }
            if type == S_IFDIR {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                pending += names.map { path + "/" + $0 }
            }
        }
        return changed
    }
}
