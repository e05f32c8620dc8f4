import Foundation

extension DockerDriver {
    /// Present locally: done. Missing: pulled (see `pull`). A name Docker cannot parse, or one
    /// that cannot be a path segment: `.imageNotFound` too.
    func ensureImage(_ image: String) async throws(DriverError) {
        let path: DockerPath = "/images/\(image)/json"
        guard path.isSafe else { throw DriverError(.imageNotFound, "The engine image name is not valid.", detail: "not a path segment") }
        let reply = try await client.send(.GET, path)
        switch reply.status {
        case 200: return
        case 404: try await pull(image)
        case 400: throw DriverError(.imageNotFound, "The engine image name is not valid.", detail: "\(image): \(reply.text)")
        default: throw failure(reply, "inspect image")
        }
    }

    /// Pulls a missing image. Any failure (no registry, unknown name, no network, timeout)
    /// is `.imageNotFound`: the controller treats it as terminal until the spec changes, which
    /// is right for a missing image and at worst slow for a registry that is briefly down.
    func pull(_ image: String) async throws(DriverError) {
        logger.info("pulling missing engine image", metadata: ["image": "\(image)"])
        var query = [("fromImage", image)]
        // Without a tag the daemon would pull every tag of the repository.
        if !Self.hasTagOrDigest(image) { query.append(("tag", "latest")) }
        let reply: DockerClient.Reply
        do {
            reply = try await client.send(.POST, "/images/create", query: query, timeout: configuration.pullTimeout)
        } catch {
            throw DriverError(.imageNotFound, "The engine image is missing and could not be pulled.", detail: "\(image): \(error.detail)")
        }
        // A failed pull may still answer 200, with `{"error": …}` in the progress stream.
        guard reply.status == 200, !reply.text.contains("\"error\"") else {
            throw DriverError(.imageNotFound, "The engine image is missing and could not be pulled.", detail: "\(image): HTTP \(reply.status): \(reply.text.suffix(300))")
        }
    }

    static func hasTagOrDigest(_ image: String) -> Bool {
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        return lastComponent.contains(":") || lastComponent.contains("@")
    }

    /// The last `tail` lines of stdout and stderr, interleaved as written. 404: `.notFound`.
    public func logs(_ engineID: UUID, tail: Int) async throws(DriverError) -> String {
        let query = [("stdout", "1"), ("stderr", "1"), ("tail", String(max(0, tail)))]
        let reply = try await client.send(.GET, "/containers/\(DockerLabels.containerName(engineID))/logs", query: query)
        guard reply.status == 200 else { throw failure(reply, "read logs") }
        return DockerLogFrames.demultiplex(Array(reply.body.readableBytesView))
    }
}

/// Docker's log stream for a container without a TTY: frames of an 8-byte header
/// (`[stream, 0, 0, 0, size as UInt32 big-endian]`) and `size` bytes of output.
enum DockerLogFrames {
    /// Concatenates the payloads. Input that does not look framed (a TTY container) is
    /// returned as it is; a truncated last frame keeps what arrived.
    static func demultiplex(_ bytes: [UInt8]) -> String {
        guard let first = bytes.first, first <= 2, bytes.count >= 8, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0 else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output: [UInt8] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = bytes[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | Int($1) }
            let start = offset + 8
            let end = min(start + size, bytes.count)
            output += bytes[start..<end]
            offset = start + size
        }
        return String(decoding: output, as: UTF8.self)
    }
}
