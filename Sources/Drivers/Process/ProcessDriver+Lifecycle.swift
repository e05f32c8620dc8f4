import Foundation

extension ProcessDriver {
    /// Spawns the engine. Running already: success; paused: continued. Absent: `.notFound`.
    public func start(_ engineID: UUID) async throws(DriverError) {
        guard var metadata = try load(engineID) else { throw DriverError(.notFound, "The engine does not exist.") }
        switch await observed(metadata).state {
        case .running: return
        case .paused: return try await unpause(engineID)
        case .created, .exited, .removing: break
        }
        // The port was free at create; if something took it since, this engine would start,
        // fail to listen and exit: a crash loop a new port (a recreate) fixes at once.
        guard PortProbe.isFree(metadata.port, address: configuration.bindAddress) else {
            throw DriverError(.stale, "The engine's port is taken; it must be recreated.", detail: "port \(metadata.port) on \(configuration.bindAddress) is in use")
        }
        if let old = metadata.pid { await reaper.forget(old) }
        // The configured command, not the one recorded at create: metadata written by an
        // older version may name a program a caller chose.
        let pid = try ProcessSpawner.spawn(
            executable: configuration.executable, arguments: configuration.arguments,
            environment: metadata.environment, logPath: configuration.logPath(engineID)
        )
        await reaper.adopt(pid)
        // The start time is what makes the pid ours; it exists as soon as posix_spawn returns.
        metadata.pid = pid
        metadata.pidStartTime = ProcessTable.stat(pid)?.startTime
        metadata.startedAt = Date()
        metadata.state = "started"
        do { try metadata.save(configuration.metadataPath(engineID)) } catch {
            kill(pid, SIGKILL)  // Reaped by the monitor's next `reapAll`.
            throw DriverError(.rejected, "The engine's metadata cannot be written.", detail: "\(error)")
        }
    }

    /// SIGTERM to the engine's process group (with SIGCONT, so a paused engine can act on
    /// it), SIGKILL after `grace`. Absent, never started or exited already: success.
    public func stop(_ engineID: UUID, grace: Duration) async throws(DriverError) {
        guard let metadata = try load(engineID), let pid = metadata.pid else { return }
        guard ProcessTable.liveness(pid: pid, startTime: metadata.pidStartTime) != .dead else {
            _ = await reaper.exit(of: pid)  // Exited by itself: a zombie until reaped.
            return
        }
        if grace > .zero {
            signal(pid, SIGTERM)
            signal(pid, SIGCONT)
            if await waitForExit(metadata, pid: pid, within: grace) { return }
        }
        signal(pid, SIGKILL)
        guard await waitForExit(metadata, pid: pid, within: .seconds(10)) else {
            throw DriverError(.unavailable, "The engine process did not die after SIGKILL.", detail: "pid \(pid)")
        }
    }

    /// SIGSTOP; returns once the kernel reports the process stopped. Paused already: success.
    /// Absent: `.notFound`; not running: `.conflict`.
    public func pause(_ engineID: UUID) async throws(DriverError) {
        let (metadata, pid) = try await live(engineID)
        signal(pid, SIGSTOP)
        try await waitFor(.stopped, metadata, pid: pid)
    }

    /// SIGCONT. Running already: success. Absent: `.notFound`; not running: `.conflict`.
    public func unpause(_ engineID: UUID) async throws(DriverError) {
        let (metadata, pid) = try await live(engineID)
        signal(pid, SIGCONT)
        try await waitFor(.running, metadata, pid: pid)
    }

    /// The last `tail` lines of `engine.log` (and of the rotated `engine.log.1` before it),
    /// read backwards from the end: at most `logReadMaxBytes`, whatever the files' sizes.
    /// Absent: `.notFound`.
    public func logs(_ engineID: UUID, tail: Int) async throws(DriverError) -> String {
        guard try load(engineID) != nil else { throw DriverError(.notFound, "The engine does not exist.") }
        let path = configuration.logPath(engineID)
        return LogFile.tail([path, path + ".1"], lines: tail, maxBytes: configuration.logReadMaxBytes)
    }

    // MARK: - Helpers

    /// The engine's own process group (it leads its session), else the process alone.
    private func signal(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    private func live(_ engineID: UUID) async throws(DriverError) -> (ProcessMetadata, Int32) {
        guard let metadata = try load(engineID) else { throw DriverError(.notFound, "The engine does not exist.") }
        guard let pid = metadata.pid, ProcessTable.liveness(pid: pid, startTime: metadata.pidStartTime) != .dead else {
            throw DriverError(.conflict, "The engine is not running.")
        }
        return (metadata, pid)
    }

    private func waitForExit(_ metadata: ProcessMetadata, pid: Int32, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if ProcessTable.liveness(pid: pid, startTime: metadata.pidStartTime) == .dead {
                // Reaping our own child turns it from a zombie into "gone" and records its code.
                _ = await reaper.exit(of: pid)
                return true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private func waitFor(_ wanted: ProcessTable.Liveness, _ metadata: ProcessMetadata, pid: Int32) async throws(DriverError) {
        for _ in 0..<200 {
            let now = ProcessTable.liveness(pid: pid, startTime: metadata.pidStartTime)
            if now == wanted { return }
            if now == .dead { throw DriverError(.conflict, "The engine exited.") }
            try? await Task.sleep(for: .milliseconds(5))
        }
        throw DriverError(.unavailable, "The engine process did not change state in time.", detail: "pid \(pid)")
    }
}
