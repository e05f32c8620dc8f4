import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WireModel

/// An error the API answers with: a status, a stable code and a message safe to show. The one
/// place where every other error becomes the `{"error":{"code","message"}}` envelope is
/// `APIError.init(mapping:)` below; anything it does not know is a 500 without detail.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers (`Retry-After` on 429).
    public var headers: [String: String]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    // MARK: The original's codes (REFERENCE.md §2)

    public static let invalidPlatformKey = APIError(.unauthorized, "INVALID_PLATFORM_KEY", "X-Platform-Key header missing or unknown.")
    public static let invalidAdminKey = APIError(.unauthorized, "INVALID_ADMIN_KEY", "X-Admin-Key header missing or wrong.")
    public static let productNotFound = APIError(.notFound, "PRODUCT_NOT_FOUND", "Product not found.")
    public static let productSlugExists = APIError(.conflict, "PRODUCT_SLUG_EXISTS", "A product with this slug already exists.")
    public static let engineNotFound = APIError(.notFound, "ENGINE_NOT_FOUND", "No engine for this user_id.")
    public static let engineAlreadyExists = APIError(.conflict, "ENGINE_ALREADY_EXISTS", "An engine for this user_id already exists.")
    public static let engineNotRunning = APIError(.conflict, "ENGINE_NOT_RUNNING", "The engine is not running.")
    public static let engineAlreadyRunning = APIError(.conflict, "ENGINE_ALREADY_RUNNING", "The engine is already running.")
    public static let bootTimeout = APIError(.gatewayTimeout, "BOOT_TIMEOUT", "The engine did not become healthy within the boot timeout.")

    public static func quotaExceeded(_ limit: Int) -> APIError {
        APIError(.tooManyRequests, "QUOTA_EXCEEDED", "Product at max_engines limit (\(limit)).")
    }

    public static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(.tooManyRequests, "RATE_LIMITED", "Rate limit exceeded. Retry in \(seconds) seconds.", headers: ["Retry-After": String(seconds)])
    }

    // MARK: Ours

    /// Too many open watch streams (per product or on this server).
    public static func watchLimit(_ scope: String, _ limit: Int) -> APIError {
        APIError(.tooManyRequests, "WATCH_LIMIT", "Too many open watch streams for \(scope) (limit \(limit)); close one or retry later.", headers: ["Retry-After": "5"])
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, "INVALID_REQUEST", field.isEmpty ? message : "\(field): \(message)")
    }

    /// A watch asked to resume from a revision older than the retained change log (Kubernetes
    /// answers a too-old resourceVersion with 410 Gone the same way).
    public static func resyncRequired(compactedThrough: Int64) -> APIError {
        APIError(.gone, "RESYNC_REQUIRED", "Changes up to revision \(compactedThrough) are no longer kept; watch again without Last-Event-ID or since (a fresh snapshot).")
    }

    public static func generationConflict(current: Int64) -> APIError {
        APIError(.conflict, "GENERATION_CONFLICT", "The engine changed since it was read (current generation \(current)).")
    }

    /// The controller reported a failure it will not retry (an image that cannot be pulled,
    /// restarts given up). `reason` is the `Degraded` condition's token.
    public static func engineFailed(reason: ConditionReason, message: String) -> APIError {
        let code = reason == .imageNotFound ? "IMAGE_NOT_FOUND" : "ENGINE_FAILED"
        return APIError(.badGateway, code, "The engine failed to start (\(reason)): \(message)")
    }

    /// Legacy stop: the controller did not report the engine stopped within the stop grace
    /// period plus a margin (the stop still goes on).
    public static let stopTimeout = APIError(.gatewayTimeout, "STOP_TIMEOUT", "The engine was not observed stopped within the stop grace period; it is still being stopped.")
    /// Legacy stop: another call changed the engine's desired state before it stopped.
    public static let engineStateChanged = APIError(.conflict, "ENGINE_STATE_CHANGED", "The engine was started again before it stopped.")

    public static func engineFailedToStop(reason: ConditionReason, message: String) -> APIError {
        APIError(.badGateway, "ENGINE_FAILED", "The engine failed to stop (\(reason)): \(message)")
    }

    public static let notFound = APIError(.notFound, "NOT_FOUND", "No such route.")
    public static let payloadTooLarge = APIError(.contentTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.")
    public static let storeUnavailable = APIError(.serviceUnavailable, "STORE_UNAVAILABLE", "The store is unavailable; retry later.")
    public static let keyUnavailable = APIError(.serviceUnavailable, "KEY_UNAVAILABLE", "This engine's key was derived from a master key version that is no longer configured; rotate its key.")
    public static let internalError = APIError(.internalServerError, "INTERNAL_ERROR", "Internal server error.")
}

extension APIError {
    /// Maps any error to what the caller sees. Store and validation errors keep their safe
    /// descriptions; an unknown error becomes a bare 500 (its detail goes to the log only).
    init(mapping error: any Error, logger: Logger) {
        switch error {
        case let error as APIError:
            self = error
        case let error as StoreError:
            self = Self.fromStore(error, logger: logger)
        case let error as ValidationError:
            self = .invalid(error.field, error.message)
        case let error as DecodingError:
            self = Self.fromDecoding(error)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            self = .payloadTooLarge  // Also NIO's "too many bytes" from collecting a body.
        case let error as any HTTPResponseError where error.status == .notFound:
            self = .notFound
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            self = APIError(error.status, "INVALID_REQUEST", error.status.reasonPhrase)
        default:
            logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            self = .internalError
        }
    }

    static func fromStore(_ error: StoreError, logger: Logger) -> APIError {
        switch error.code {
        case .productNotFound: return .productNotFound
        case .productSlugExists: return .productSlugExists
        case .engineNotFound: return .engineNotFound
        case .engineAlreadyExists: return .engineAlreadyExists
        case .quotaExceeded(let limit): return .quotaExceeded(limit)
        case .generationConflict(let current): return .generationConflict(current: current)
        case .invalid(let validation): return .invalid(validation.field, validation.message)
        case .unavailable:
            logger.error("store unavailable", metadata: ["detail": "\(error.debugDescription)"])
            return .storeUnavailable
        case .compacted(let through): return .resyncRequired(compactedThrough: through)
        }
    }

    /// Names the field; never echoes a value (a value could be a secret pasted in the wrong place).
    static func fromDecoding(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (keys + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(path(context.codingPath, key), "missing required field")
        case .valueNotFound(let type, let context):
            return .invalid(path(context.codingPath), "must not be null (expected \(jsonTypeName(type)))")
        case .typeMismatch(let type, let context):
            return .invalid(path(context.codingPath), "wrong type (expected \(jsonTypeName(type)))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .invalid("", "The request body is not valid JSON.") }
            return .invalid(path(context.codingPath), "invalid value")
        @unknown default:
            return .invalid("", "The request body could not be decoded.")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type: "integer"
        case is Double.Type: "number"
        default: "object"
        }
    }

    /// The envelope response.
    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let body = (try? WireJSON.encoder().encode(ErrorEnvelope(error: .init(code: code, message: message)))) ?? Data()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every thrown error into the envelope. Added first, so it also wraps the router's
/// not-found answer.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return APIError(mapping: error, logger: logger).response()
        }
    }
}
