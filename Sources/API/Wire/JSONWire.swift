import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import WireModel

/// Reading and writing JSON bodies with the API's rules: a size limit (413), strict decoding
/// (errors name the field, never the value), ISO-8601 dates, snake_case fields.
/// The encoding itself is the wire model's (`WireJSON`), shared with the CLI.
enum JSONWire {
    static let encoder = WireJSON.encoder()

    static func decoder() -> JSONDecoder { WireJSON.decoder() }

    /// The raw body, at most `limit` bytes (more: 413 `PAYLOAD_TOO_LARGE`).
    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.payloadTooLarge }
        var request = request
        do { return try await request.collectBody(upTo: limit) } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge
        }
    }

    /// Decodes a required JSON object body.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await body(request, limit: limit)
        guard buffer.readableBytes > 0 else { throw APIError.invalid("", "A JSON request body is required.") }
        return try decoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// Decodes an optional body: empty (or absent) gives `nil`.
    static func decodeIfPresent<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T? {
        let buffer = try await body(request, limit: limit)
        let bytes = Data(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        return try decoder().decode(T.self, from: bytes)
    }

    /// A JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try encoder.encode(value)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Path and query parameters, validated with messages that name the parameter.
enum Params {
    /// A path parameter, percent-decoded (user ids may contain any printable character).
    static func path(_ context: APIRequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name) else { throw APIError.invalid(name, "missing path parameter") }
        return raw.removingPercentEncoding ?? raw
    }

    /// The `{user_id}` path parameter, validated (1...256 bytes, no control characters).
    static func userID(_ context: APIRequestContext, _ name: String = "user_id") throws -> String {
        let userID = try path(context, name)
        try Identifiers.validateUserID(userID, field: name)
        return userID
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).map { String($0) }
    }

    /// An integer query parameter within `range`, or `defaultValue` when absent.
    static func int(_ request: Request, _ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query(request, name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A boolean query parameter (`true`/`false`/`1`/`0`), or `defaultValue` when absent.
    static func bool(_ request: Request, _ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = query(request, name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid(name, "must be true or false")
        }
    }
}
