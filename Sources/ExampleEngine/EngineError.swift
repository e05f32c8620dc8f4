#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import NIOCore

/// The Engine's error envelope `{error, message, details}` (REFERENCE.md §14).
struct EngineError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    static let invalidKey = EngineError(status: .unauthorized, code: "INVALID_KEY", message: "The X-Engine-Key header is missing or wrong.")

    static func badRequest(_ message: String) -> EngineError {
        EngineError(status: .badRequest, code: "BAD_REQUEST", message: message)
    }

    private struct Envelope: Encodable {
        var error: String
        var message: String
        var details: [String: String] = [:]
    }

    var response: Response {
        let data = (try? JSONEncoder().encode(Envelope(error: code, message: message))) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
