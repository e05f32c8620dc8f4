import Foundation

extension DockerDriver {
    /// 204 started, 304 running already: success. 404: `.notFound`. A paused engine is unpaused.
    /// A container that cannot start in place (see `cannotStartInPlace`) is retried once after
    /// 300 ms, then reported `.stale` so the controller recreates it.
    public func start(_ engineID: UUID) async throws(DriverError) {
        let path: DockerPath = "/containers/\(DockerLabels.containerName(engineID))/start"
        var reply = try await client.send(.POST, path)
        if reply.status == 500, Self.cannotStartInPlace(reply.text) {
            logger.debug("start failed in place, retrying once", metadata: ["engine": "\(engineID)", "detail": "\(reply.text.prefix(200))"])
            try? await Task.sleep(for: .milliseconds(300))
            reply = try await client.send(.POST, path)
        }
        let paused = reply.text.localizedCaseInsensitiveContains("paused")
        switch reply.status {
        case 204, 304: return
        case 409 where paused, 500 where paused:
            try await unpause(engineID)
        case 500 where Self.cannotStartInPlace(reply.text):
            throw DriverError(.stale, "The engine's container cannot start in place; it must be recreated.", detail: "start container: HTTP 500: \(reply.text.prefix(500))")
        default:
            throw failure(reply, "start container")
        }
    }

    /// Docker's words for a container whose start cannot succeed until it is recreated: after a
    /// dockerd restart containerd can still hold the old task ("task … already exists"); a
    /// published host port taken since the create ("address already in use", "port is already
    /// allocated") is fixed only by a new port, i.e. a new container.
    static func cannotStartInPlace(_ text: String) -> Bool {
        text.contains("already exists") || text.contains("address already in use") || text.contains("port is already allocated")
    }

    /// SIGTERM, SIGKILL after `grace` (rounded up to whole seconds, Docker's unit). 304 stopped
    /// already and 404 absent: success. A paused engine is unpaused first so it can exit.
    /// The call is bounded by the shared client's 90 s read timeout: keep `grace` below that.
    public func stop(_ engineID: UUID, grace: Duration) async throws(DriverError) {
        let name = DockerLabels.containerName(engineID)
        let seconds = max(0, Int((Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18).rounded(.up)))
        var reply = try await client.send(.POST, "/containers/\(name)/stop", query: [("t", String(seconds))], timeout: grace + .seconds(30))
        if reply.status == 409 || (reply.status == 500 && reply.text.localizedCaseInsensitiveContains("paused")) {
            try await unpause(engineID)
            reply = try await client.send(.POST, "/containers/\(name)/stop", query: [("t", String(seconds))], timeout: grace + .seconds(30))
        }
        switch reply.status {
        case 204, 304, 404: return
        default: throw failure(reply, "stop container")
        }
    }

    /// 204 paused; 409 "already paused": success; 409 otherwise (not running): `.conflict`.
    /// A 500 is retried once after 100 ms: under heavy load runc's cgroup freezer can fail
    /// transiently, and pausing is idempotent.
    public func pause(_ engineID: UUID) async throws(DriverError) {
        var reply = try await client.send(.POST, "/containers/\(DockerLabels.containerName(engineID))/pause")
        if reply.status == 500 {
            logger.debug("pause failed, retrying once", metadata: ["detail": "\(reply.text.prefix(200))"])
            try? await Task.sleep(for: .milliseconds(100))
            reply = try await client.send(.POST, "/containers/\(DockerLabels.containerName(engineID))/pause")
        }
        let already = reply.text.contains("already paused")
        switch reply.status {
        case 204: return
        case 409 where already, 500 where already: return
        default: throw failure(reply, "pause container")
        }
    }

    /// 204 unpaused; 409/500 "not paused" (running, or stopped: nothing to thaw): success.
    public func unpause(_ engineID: UUID) async throws(DriverError) {
        let reply = try await client.send(.POST, "/containers/\(DockerLabels.containerName(engineID))/unpause")
        let notPaused = reply.text.contains("not paused")
        switch reply.status {
        case 204: return
        case 409 where notPaused, 500 where notPaused: return
        default: throw failure(reply, "unpause container")
        }
    }

    /// Force-removes the container (a running one is killed); 404 and "removal already in
    /// progress" are success. `keepBrain: false` then removes the volume (404: success).
    public func remove(_ engineID: UUID, keepBrain: Bool) async throws(DriverError) {
        let reply = try await client.send(.DELETE, "/containers/\(DockerLabels.containerName(engineID))", query: [("force", "1")])
        switch reply.status {
        case 204, 404: break
        case 409 where reply.text.contains("already in progress"): break
        default: throw failure(reply, "remove container")
        }
        await ports.release(engineID: engineID)
        if !keepBrain { try await removeVolume(engineID) }
    }

    /// A volume can stay "in use" for a moment after its container went away: retry briefly.
    private func removeVolume(_ engineID: UUID) async throws(DriverError) {
        var attempt = 0
        while true {
            let reply = try await client.send(.DELETE, "/volumes/\(DockerLabels.volumeName(engineID))", query: [("force", "1")])
            switch reply.status {
            case 204, 404: return
            case 409 where attempt < 20:
                attempt += 1
                try? await Task.sleep(for: .milliseconds(100))
            default: throw failure(reply, "remove brain volume")
            }
        }
    }
}
