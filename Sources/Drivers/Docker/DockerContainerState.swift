import Foundation

/// What `GET /containers/{id}/json` says, reduced to what an `ObservedEngine` needs.
struct DockerInspect: Decodable, Sendable {
    var id: String
    var state: State
    var config: Config

    struct State: Decodable, Sendable {
        var status: String
        var exitCode: Int?
        var oomKilled: Bool?
        var startedAt: String?
        var finishedAt: String?
        enum CodingKeys: String, CodingKey {
            case status = "Status", exitCode = "ExitCode", oomKilled = "OOMKilled", startedAt = "StartedAt", finishedAt = "FinishedAt"
        }
    }

    struct Config: Decodable, Sendable {
        var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    enum CodingKeys: String, CodingKey { case id = "Id", state = "State", config = "Config" }

    func observed(urlHost: String) -> ObservedEngine? {
        let labels = config.labels ?? [:]
        guard var engine = ObservedEngine(labels: labels, state: RuntimeState(docker: state.status), urlHost: urlHost) else { return nil }
        let exited = engine.state == .exited || engine.state == .removing
        engine.exitCode = exited ? state.exitCode : nil
        engine.oomKilled = state.oomKilled ?? false
        engine.startedAt = DockerTime.parse(state.startedAt)
        engine.finishedAt = exited ? DockerTime.parse(state.finishedAt) : nil
        engine.runtimeID = String(id.prefix(12))
        return engine
    }
}

/// One row of `GET /containers/json`: no exit code field, so it is read from `Status`
/// ("Exited (137) 3 seconds ago"); OOM and times need `observe`.
struct DockerContainerSummary: Decodable, Sendable {
    var id: String
    var state: String
    var status: String?
    var labels: [String: String]?
    enum CodingKeys: String, CodingKey { case id = "Id", state = "State", status = "Status", labels = "Labels" }

    func observed(urlHost: String) -> ObservedEngine? {
        guard var engine = ObservedEngine(labels: labels ?? [:], state: RuntimeState(docker: state), urlHost: urlHost) else { return nil }
        if engine.state == .exited, let status, let open = status.firstIndex(of: "("), let close = status.firstIndex(of: ")"), open < close {
            engine.exitCode = Int(status[status.index(after: open)..<close])
        }
        engine.runtimeID = String(id.prefix(12))
        return engine
    }
}

extension ObservedEngine {
    /// Identity, spec hash, key generation and URL from the labels; nil without `bap.engine`.
    init?(labels: [String: String], state: RuntimeState, urlHost: String) {
        guard let engine = labels[DockerLabels.engine].flatMap(UUID.init(uuidString:)) else { return nil }
        self.init(
            engineID: engine,
            productID: labels[DockerLabels.product].flatMap(UUID.init(uuidString:)),
            userID: labels[DockerLabels.user],
            state: state,
            specHash: labels[DockerLabels.specHash],
            keyGeneration: labels[DockerLabels.keyGeneration].flatMap { Int($0) },
            url: labels[DockerLabels.port].map { "http://\(urlHost):\($0)" }
        )
    }
}

extension RuntimeState {
    /// Docker's `created|running|paused|restarting|removing|exited|dead`.
    init(docker status: String) {
        switch status {
        case "created": self = .created
        case "running", "restarting": self = .running
        case "paused": self = .paused
        case "removing", "dead": self = .removing
        default: self = .exited
        }
    }
}

/// Docker's RFC 3339 times with nanoseconds; `0001-01-01T00:00:00Z` means "never".
enum DockerTime {
    static func parse(_ text: String?) -> Date? {
        guard let text, !text.hasPrefix("0001-") else { return nil }
        // Drop the fraction: ISO8601DateFormatter handles at most milliseconds.
        var trimmed = text
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            trimmed = String(text[..<dot]) + String(text[zone...])
        }
        return try? Date(trimmed, strategy: .iso8601)
    }
}
