import Foundation

extension ProcessDriver {
    /// Polls the data root and `/proc` every `monitorInterval` (200 ms by default) and yields
    /// `.changed` for every engine whose state, pid or existence changed since the last look.
    /// Each look also rotates engine logs past `logMaxBytes`. The first look only sets the baseline. Nothing is ever lost between looks (the state is
    /// re-derived each time), so `.resync` is never needed. Ends when the consumer stops.
    public func events() -> AsyncStream<DriverEvent> {
        let (stream, continuation) = AsyncStream<DriverEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        // The loop lives exactly as long as the consumer: cancelled when the stream terminates.
        let task = Task {
            var last: [UUID: String] = [:]
            var first = true
            while !Task.isCancelled {
                var now: [UUID: String] = [:]
                for engine in (try? await list()) ?? [] {
                    now[engine.engineID] = "\(engine.state.rawValue)/\(engine.runtimeID ?? "-")"
                    // The same look keeps every log under its size (see `LogFile`).
                    LogFile.rotateIfNeeded(configuration.logPath(engine.engineID), limit: configuration.logMaxBytes)
                }
                await reaper.reapAll()
                if !first {
                    for id in Set(now.keys).union(last.keys) where now[id] != last[id] { continuation.yield(.changed(id)) }
                }
                first = false
                last = now
                try? await Task.sleep(for: configuration.monitorInterval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
