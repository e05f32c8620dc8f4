import Crypto
import HTTPTypes
import Hummingbird

/// Answers 401 `INVALID_KEY` unless `X-Engine-Key` hashes (SHA-256, hex) to the configured hash.
///
/// The comparison is constant-time over the hex digests. The key and its hash are never logged.
struct KeyCheck<Context: RequestContext>: RouterMiddleware {
    let expectedHash: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = expectedHash,
              let key = request.headers[KeyHashing.headerName],
              KeyHashing.constantTimeEqual(KeyHashing.sha256Hex(key), expected)
        else {
            return EngineError.invalidKey.response
        }
        return try await next(request, context)
    }
}

/// SHA-256 hex digests and their constant-time comparison.
enum KeyHashing {
    /// `X-Engine-Key`: a valid header token, so the initializer cannot fail.
    static let headerName = HTTPField.Name("X-Engine-Key")!

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares every byte whatever the first difference, so timing tells nothing.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
