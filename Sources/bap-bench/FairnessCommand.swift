import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `bap-bench fairness`: another product's GET latency while one product holds its maximum of
/// watch streams (and tries to open far more) and churns its engines. Drives a running server;
/// `scripts/bench-fairness` starts one. Prints the figures (BENCHMARKS.md "Fairness").
struct FairnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fairness", abstract: "Quiet product's GET p99 while a noisy product watches and churns.")

    @Option(help: "Base URL of the running server.") var server = "http://127.0.0.1:8000"
    @Option(help: "Its admin key.") var adminKey: String
    @Option(help: "Watch streams the noisy product tries to open (the server caps them).") var watches = 500
    @Option(help: "Seconds each measured phase lasts.") var seconds = 15
    @Option(help: "Concurrent GET clients of the quiet product.") var clients = 4
    @Option(help: "Engines the noisy product churns (created and deleted in a loop).") var churnEngines = 20

    func run() async throws {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(3600)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: watches + clients + 16)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do { try await measure(client) } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(_ client: HTTPClient) async throws {
        let api = ServerAPI(client: client, base: server, adminKey: adminKey)
        let run = String(UUID().uuidString.prefix(6)).lowercased()
        let noisy = try await register(api, "noisy-\(run)"), quiet = try await register(api, "quiet-\(run)")
        _ = try await api.call(.PUT, "/v1/products/quiet-\(run)/engines/q1", platformKey: quiet, body: Data(#"{"spec":{"state":"stopped"}}"#.utf8))

        let baseline = try await measureGets(api, key: quiet)
        print(String(format: "baseline: quiet GET /engines p50 %.2f ms, p99 %.2f ms (%d requests)", baseline.ms(50) ?? 0, baseline.ms(99) ?? 0, baseline.count))

        // The noisy product opens as many streams as it can and keeps reading them.
        let events = Counter()
        var accepted = 0, refused = 0
        var readers: [Task<Void, Never>] = []
        for _ in 0..<watches {
            var request = HTTPClientRequest(url: server + "/v1/watch")
            request.headers.add(name: "X-Platform-Key", value: noisy)
            let response = try await client.execute(request, timeout: .seconds(3600))
            if response.status == .ok {
                accepted += 1
                let body = response.body
                readers.append(Task {
                    do { for try await chunk in body { events.add(String(buffer: chunk).components(separatedBy: "event: engine").count - 1) } } catch {}
                })
            } else {
                refused += 1
                _ = try? await response.body.collect(upTo: 1 << 16)
            }
        }
        print("noisy product: \(accepted) watch streams accepted, \(refused) refused (429)")

        // ... and churns engines while the quiet product's GETs are measured.
        let churned = Counter()
        let churnEngines = churnEngines
        let churn = Task {
            var i = 0
            while !Task.isCancelled {
                let user = "c\(i % churnEngines)"
                let path = "/v1/products/noisy-\(run)/engines/\(user)"
                let created = try? await api.call(.PUT, path, platformKey: noisy, body: Data(#"{"spec":{"state":"stopped"}}"#.utf8))
                if created.map({ (200..<300).contains($0.status) }) == true { churned.add(1) }
                if i % churnEngines == churnEngines - 1 {
                    for j in 0..<churnEngines { _ = try? await api.call(.DELETE, "/v1/products/noisy-\(run)/engines/c\(j)", platformKey: noisy) }
                }
                i += 1
            }
        }
        let loaded = try await measureGets(api, key: quiet)
        churn.cancel()
        _ = await churn.value
        for reader in readers { reader.cancel() }
        let writes = churned.total
        print(String(format: "under load: quiet GET /engines p50 %.2f ms, p99 %.2f ms (%d requests)", loaded.ms(50) ?? 0, loaded.ms(99) ?? 0, loaded.count))
        print(String(format: "churn: %d engine writes in %d s (%.0f/s); %d engine events delivered to the noisy streams", writes, seconds, Double(writes) / Double(seconds), events.total))
        print("| case | quiet GET p50 | quiet GET p99 | requests |")
        print("|---|---|---|---|")
        print(String(format: "| idle server | %.2f ms | %.2f ms | %d |", baseline.ms(50) ?? 0, baseline.ms(99) ?? 0, baseline.count))
        print(String(format: "| noisy: %d streams open (%d refused), churning | %.2f ms | %.2f ms | %d |", accepted, refused, loaded.ms(50) ?? 0, loaded.ms(99) ?? 0, loaded.count))
    }

    private func register(_ api: ServerAPI, _ slug: String) async throws -> String {
        let answer = try await api.call(.POST, "/products/register", body: Data(#"{"slug":"\#(slug)","display_name":"\#(slug)"}"#.utf8))
        guard let key = answer.json?["platform_api_key"] as? String else { throw ServerAPI.Failure(description: "register answered \(answer.status)") }
        return key
    }

    /// `clients` loops of `GET /engines` for `seconds`.
    private func measureGets(_ api: ServerAPI, key: String) async throws -> Latencies {
        let deadline = ContinuousClock.now + .seconds(seconds)
        return try await withThrowingTaskGroup(of: Latencies.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var latencies = Latencies()
                    while ContinuousClock.now < deadline {
                        let (answer, took) = try await timed { try await api.call(.GET, "/engines", platformKey: key, timeout: 30) }
                        guard answer.status == 200 else { throw ServerAPI.Failure(description: "GET /engines answered \(answer.status)") }
                        latencies.record(took)
                    }
                    return latencies
                }
            }
            var all = Latencies()
            for try await part in group { all.merge(part) }
            return all
        }
    }
}

/// A count several tasks add to.
final class Counter: Sendable {
    private let value = Mutex(0)
    func add(_ n: Int) { value.withLock { $0 += n } }
    var total: Int { value.withLock { $0 } }
}
