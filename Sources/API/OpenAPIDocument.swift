/// The published contract, served at `GET /openapi.json`. Every route the router has is an
/// operation here and every operation is a route (the OpenAPI tests check both ways, and check
/// real responses' statuses and bodies against it).
public enum OpenAPIDocument {
    /// One operation: method, path, who may call, parameters, body, and answers by status
    /// (`nil` schema: the error envelope; `"text"`: Prometheus or SSE text).
    struct Operation: Sendable {
        enum Auth: Sendable { case none, platform, admin, either }
        var method: String
        var path: String
        var summary: String
        var auth: Auth
        var query: [String] = []
        var headers: [String] = []
        var body: String? = nil
        var responses: [Int: String?]
    }

    static let errors4xx: [Int: String?] = [400: nil, 401: nil, 404: nil, 413: nil]

    /// Every operation of the API.
    static let operations: [Operation] = OpenAPIOperations.legacy + OpenAPIOperations.declarative

    /// The document as JSON.
    public static let document: JSONValue = build()

    static func build() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for op in operations { paths[op.path, default: [:]][op.method] = operation(op) }
        return [
            "openapi": "3.0.3",
            "info": ["title": "bap-engine", "version": "1.0.0", "description": "Per-user Engine orchestrator: the original bap-engine API plus a declarative /v1."],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "schemas": .object(OpenAPISchemas.all),
                "securitySchemes": [
                    "platformKey": ["type": "apiKey", "in": "header", "name": "X-Platform-Key"],
                    "adminKey": ["type": "apiKey", "in": "header", "name": "X-Admin-Key"],
                ],
            ],
        ]
    }

    static func operation(_ op: Operation) -> JSONValue {
        var result: [String: JSONValue] = [
            "operationId": .string(operationID(op)), "summary": .string(op.summary),
            "parameters": .array(parameters(op)), "responses": .object(responses(op)),
        ]
        switch op.auth {
        case .none: result["security"] = []
        case .platform: result["security"] = [["platformKey": []]]
        case .admin: result["security"] = [["adminKey": []]]
        case .either: result["security"] = [["platformKey": []], ["adminKey": []]]
        }
        if op.body == "FleetSpec" {
            result["requestBody"] = ["required": true, "content": [
                "application/yaml": ["schema": ["type": "string"]],
                "application/json": ["schema": OpenAPISchemas.ref("FleetDocuments")],
            ]]
        } else if let body = op.body {
            result["requestBody"] = ["required": .bool(body != "AdmitRequest"), "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]]]
        }
        return .object(result)
    }

    static func parameters(_ op: Operation) -> [JSONValue] {
        let pathNames = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
        let path: [JSONValue] = pathNames.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1, "maxLength": 256]] }
        let query: [JSONValue] = op.query.map { name in ["name": .string(name), "in": "query", "required": false, "schema": querySchema(name)] }
        let headers: [JSONValue] = op.headers.map { name in ["name": .string(name), "in": "header", "required": false, "schema": ["type": "string"]] }
        return path + query + headers
    }

    static func querySchema(_ name: String) -> JSONValue {
        switch name {
        case "limit": ["type": "integer", "minimum": 1, "maximum": 1000]
        case "offset", "since", "timeout": ["type": "integer", "minimum": 0]
        case "minutes": ["type": "integer", "minimum": 1, "maximum": 60]
        case "wait", "dry_run", "prune": ["type": "boolean"]
        case "status", "phase": OpenAPISchemas.phases
        default: ["type": "string"]
        }
    }

    static func responses(_ op: Operation) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (status, schema) in op.responses {
            let content: JSONValue = switch schema {
            case .none: ["application/json": ["schema": OpenAPISchemas.ref("Error")]]
            case .some("text"): ["text/plain": ["schema": ["type": "string"]]]
            // One SSE event as parsed: `id` (revision), `event` (`engine` | `deleted`), `data` (JSON text).
            case .some("sse"): ["text/event-stream": ["schema": ["type": "object", "properties": ["id": ["type": "string"], "event": ["type": "string", "enum": ["engine", "deleted"]], "data": ["type": "string"]]]]]
            // A YAML stream: zero or more fleet documents (`kind: Product`, `kind: Engine`), so
            // parsed it is nothing, one mapping, or several; no one JSON type describes it.
            case .some("yaml"): ["application/yaml": ["schema": ["description": "A YAML stream of fleet documents (kind: Product, kind: Engine); empty when nothing matches."]]]
            case .some("document"): ["application/json": ["schema": ["type": "object"]]]
            case .some("Metrics"): ["application/json": ["schema": OpenAPISchemas.ref("Metrics")], "text/plain": ["schema": ["type": "string"]]]
            case .some(let name): ["application/json": ["schema": OpenAPISchemas.ref(name)]]
            }
            result[String(status)] = ["description": .string(description(status)), "content": content]
        }
        return result
    }

    static func description(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 400: "Bad request (INVALID_REQUEST names the field)"
        case 401: "Missing or wrong key (INVALID_PLATFORM_KEY, INVALID_ADMIN_KEY)"
        case 403: "IMAGE_NOT_ALLOWED: the image is not in the operator's allowlist"
        case 404: "Not found (ENGINE_NOT_FOUND, PRODUCT_NOT_FOUND, NOT_FOUND)"
        case 409: "Conflict (ENGINE_ALREADY_EXISTS, ENGINE_ALREADY_RUNNING, ENGINE_NOT_RUNNING, PRODUCT_SLUG_EXISTS, GENERATION_CONFLICT)"
        case 413: "Body too large (PAYLOAD_TOO_LARGE)"
        case 429: "QUOTA_EXCEEDED, RATE_LIMITED or TOO_MANY_LOG_READS (with Retry-After)"
        case 502: "The engine failed for good (IMAGE_NOT_FOUND, ENGINE_FAILED)"
        case 503: "STORE_UNAVAILABLE or KEY_UNAVAILABLE"
        case 504: "BOOT_TIMEOUT"
        default: "Error"
        }
    }

    static func operationID(_ op: Operation) -> String {
        let words = op.path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "") }
        return ([op.method] + words).joined(separator: "_").replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
    }
}
