import Foundation
import TestSupport
@testable import Drivers

/// What happens to engines behind the driver's back: `docker kill` through the API, `kill -9`.
enum OutsideWorld {
    static func kill(_ engine: ObservedEngine, kind: DriverKind, engineID: UUID) async throws {
        switch kind {
        case .docker:
            let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
            let reply = try await client.send(.POST, "/containers/\(DockerLabels.containerName(engineID))/kill", query: [("signal", "KILL")])
            guard reply.status == 204 else { throw DriverError(.unavailable, "docker kill answered \(reply.status)") }
        case .process:
            guard let pid = engine.runtimeID.flatMap({ Int32($0) }) else { throw DriverError(.notFound, "no pid") }
            guard Foundation.kill(pid, SIGKILL) == 0 else { throw DriverError(.unavailable, "kill -9 \(pid) failed") }
        }
    }
}
