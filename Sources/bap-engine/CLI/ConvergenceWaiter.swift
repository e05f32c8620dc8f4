import Foundation
import WireModel

/// Polls the engines an apply touched until each is converged (or gone, if pruned), showing
/// `N/M ready` live on a terminal and a plain line per change when piped. Ends with the final
/// table; exit 1 if anything failed or the timeout passed.
struct ConvergenceWaiter {
    let api: APIClient
    let timeout: Int
    var interval: Duration = .seconds(1)

    /// `targets`: `product/user` names and whether they were pruned (then "done" means gone).
    func wait(for targets: [(name: String, pruned: Bool)]) async throws -> Int32 {
        let products = Set(targets.map { String($0.name.split(separator: "/", maxSplits: 1)[0]) })
        let deadline = ContinuousClock.now.advanced(by: .seconds(timeout))
        let tty = CLI.stdoutIsTTY
        var lastLine = ""
        while true {
            var live: [String: EngineResource] = [:]
            for product in products { for e in try await api.engines(of: product) { live[e.name] = e } }
            var done = 0, failed: [String] = [], pending: [String] = []
            for t in targets {
                let engine = live[t.name]
                if t.pruned ? engine == nil : engine?.isConverged == true { done += 1 }
                else if let engine, engine.isFailed { failed.append(t.name) }
                else { pending.append("\(t.name) (\(engine.map(t.pruned ? { _ in "deleting" } : \.pendingReason) ?? "not created yet"))") }
            }
            let line = "\(done)/\(targets.count) ready" + (failed.isEmpty ? "" : ", \(failed.count) failed")
                + (pending.isEmpty ? "" : "; pending: " + pending.prefix(3).joined(separator: ", ") + (pending.count > 3 ? ", …" : ""))
            if tty {
                print("\r\u{1B}[K" + String(line.prefix(79)), terminator: "")
                CLI.flush()
            } else if line != lastLine {
                print(line)
            }
            lastLine = line
            let finished = pending.isEmpty
            if finished || ContinuousClock.now >= deadline {
                if tty { print("") }
                let shown = targets.compactMap { live[$0.name] }
                if !shown.isEmpty { print(EngineTable.table(shown, wide: false).render()) }
                if !failed.isEmpty { CLI.printError("\(failed.count) engine(s) failed: \(failed.prefix(5).joined(separator: ", "))") }
                if !finished { CLI.printError("timed out after \(timeout)s with \(pending.count) engine(s) not ready") }
                return finished && failed.isEmpty ? 0 : 1
            }
            try await Task.sleep(for: interval)
        }
    }
}
